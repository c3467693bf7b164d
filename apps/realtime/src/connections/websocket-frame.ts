// Server-to-client WebSocket frames (RFC 6455 §5.2: final, unmasked) built by hand, header and
// payload in one Buffer: a frame encoded once can go to many sockets, and each is one write (one
// syscall) instead of `ws`'s header + payload writev per message.

export const WebSocketOpcode = {
  Text: 0x1,
  Binary: 0x2,
} as const;
export type WebSocketOpcode = (typeof WebSocketOpcode)[keyof typeof WebSocketOpcode];

function headerLength(payloadLength: number): number {
  return payloadLength < 126 ? 2 : payloadLength < 65_536 ? 4 : 10;
}

function writeHeader(frame: Buffer, opcode: WebSocketOpcode, length: number): void {
  frame[0] = 0x80 | opcode;
  if (length < 126) {
    frame[1] = length;
  } else if (length < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
}

/**
 * A binary frame around a copy of `payload` (which may be a view of a reused buffer). Small frames
 * come from Node's Buffer pool: no ArrayBuffer of their own to allocate and collect.
 */
export function binaryFrame(payload: Uint8Array): Buffer {
  const length = payload.byteLength;
  const offset = headerLength(length);
  const frame = Buffer.allocUnsafe(offset + length);
  writeHeader(frame, WebSocketOpcode.Binary, length);
  frame.set(payload, offset);
  return frame;
}

/** A text frame of `text`, encoded as UTF-8 straight into the frame. */
export function textFrame(text: string): Buffer {
  const length = Buffer.byteLength(text);
  const offset = headerLength(length);
  const frame = Buffer.allocUnsafe(offset + length);
  writeHeader(frame, WebSocketOpcode.Text, length);
  frame.write(text, offset);
  return frame;
}
