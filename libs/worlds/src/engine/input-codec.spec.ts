import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ClientMessageType,
  decodeInputBinary,
  encodeInputBinary,
  INPUT_AXIS_LIMIT,
  INPUT_SEQ_MAX,
  MAX_BINARY_INPUT_BYTES,
} from './input-codec.js';

const axis = fc.float({ min: Math.fround(-INPUT_AXIS_LIMIT), max: Math.fround(INPUT_AXIS_LIMIT), noNaN: true });

describe('binary input', () => {
  it('round-trips every combination of optional fields (property)', () => {
    fc.assert(
      fc.property(
        axis,
        axis,
        fc.option(fc.integer({ min: 0, max: INPUT_SEQ_MAX }), { nil: undefined }),
        fc.option(fc.integer({ min: 0, max: 255 }), { nil: undefined }),
        fc.option(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), { nil: undefined }),
        (moveX, moveY, seq, action, timestamp) => {
          const input = { move_x: moveX, move_y: moveY, seq, action, timestamp };
          const bytes = encodeInputBinary(input);
          expect(bytes.byteLength).toBeLessThanOrEqual(MAX_BINARY_INPUT_BYTES);
          const decoded = decodeInputBinary(bytes);
          expect(decoded.ok).toBe(true);
          const value = decoded.ok ? decoded.value : undefined;
          // Absent optional fields stay absent (the world numbers inputs without a seq itself).
          expect(value).toEqual(Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)));
        },
      ),
    );
  });

  it('decodes a view into a larger buffer (as a socket read hands it over)', () => {
    const bytes = encodeInputBinary({ move_x: 0.5, move_y: -1, seq: 7 });
    const padded = new Uint8Array(bytes.byteLength + 8);
    padded.set(bytes, 4);
    expect(decodeInputBinary(padded.subarray(4, 4 + bytes.byteLength))).toEqual({ ok: true, value: { move_x: 0.5, move_y: -1, seq: 7 } });
  });

  it('refuses a wrong type, unknown flags, a wrong length and out-of-range values, naming the field', () => {
    const valid = encodeInputBinary({ move_x: 1, move_y: 0, seq: 1, timestamp: 5 });
    const refusal = (mutate: (bytes: Uint8Array, view: DataView) => Uint8Array | void) => {
      const bytes = valid.slice();
      const result = decodeInputBinary(mutate(bytes, new DataView(bytes.buffer)) ?? bytes);
      return result.ok ? 'accepted' : result.field;
    };
    expect(refusal((b) => void (b[0] = ClientMessageType.Input + 1))).toBe('');
    expect(refusal((b) => void (b[1] |= 64))).toBe('flags');
    expect(refusal((b) => b.subarray(0, b.byteLength - 1))).toBe('');
    expect(refusal(() => new Uint8Array(3))).toBe('');
    expect(refusal((_, v) => v.setFloat32(2, Number.NaN, true))).toBe('move_x');
    expect(refusal((_, v) => v.setFloat32(6, Number.POSITIVE_INFINITY, true))).toBe('move_y');
    expect(refusal((_, v) => v.setFloat32(6, 2e6, true))).toBe('move_y');
    expect(refusal((_, v) => v.setUint32(10, 2 ** 31, true))).toBe('seq');
    expect(refusal((_, v) => v.setFloat64(14, -1, true))).toBe('timestamp');
    expect(refusal(() => undefined)).toBe('accepted');
  });
});
