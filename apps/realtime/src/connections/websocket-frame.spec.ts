import { describe, expect, it } from 'vitest';
import { binaryFrame, textFrame } from './websocket-frame.js';
import { receive } from './websocket-frame.test-support.js';

describe('WebSocket frames', () => {
  // One length per header form: 7-bit, 16-bit and 64-bit payload lengths (and their edges).
  it.each([0, 125, 126, 65_535, 65_536, 200_000])('frames a %i-byte binary payload as a client decodes it', (length) => {
    const payload = Uint8Array.from({ length }, (_, i) => (i * 31) & 0xff);
    const [message] = receive(binaryFrame(payload));
    expect(message!.isBinary).toBe(true);
    expect(message!.data.equals(Buffer.from(payload))).toBe(true);
  });

  it('copies the payload: reusing the source buffer afterwards does not change the frame', () => {
    const source = new Uint8Array([1, 2, 3, 4]);
    const frame = binaryFrame(source.subarray(1, 3));
    source.fill(9);
    expect([...receive(frame)[0]!.data]).toEqual([2, 3]);
  });

  it.each(['', 'héllo 🎮', 'x'.repeat(70_000)])('frames text as UTF-8 (%#)', (text) => {
    const [message] = receive(textFrame(text));
    expect(message!.isBinary).toBe(false);
    expect(message!.data.toString('utf8')).toBe(text);
  });

  it('frames written back to back are separate messages', () => {
    const messages = receive(Buffer.concat([textFrame('{"a":1}'), binaryFrame(new Uint8Array([7]))]));
    expect(messages.map((m) => m.isBinary)).toEqual([false, true]);
  });
});
