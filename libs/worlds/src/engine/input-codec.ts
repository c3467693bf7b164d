// The binary `input` message, client → server: what a client sends up to a hundred times a second,
// in 10–23 bytes instead of ~80 of JSON, and decoded without JSON.parse or a schema object. The
// layout (little-endian) is documented in docs/realtime-protocol.md, "Binary input":
//
//   u8  type = ClientMessageType.Input
//   u8  flags (InputFlag: which optional fields follow)
//   f32 move_x, f32 move_y
//   u32 seq        if flags & Seq
//   u8  action     if flags & Action
//   f64 timestamp  if flags & Timestamp
import type { RawInput } from './world.js';

/** First byte of a binary client message. */
export const ClientMessageType = {
  Input: 1,
} as const;

export const InputFlag = {
  Seq: 1,
  Action: 2,
  Timestamp: 4,
} as const;

const ALL_FLAGS = InputFlag.Seq | InputFlag.Action | InputFlag.Timestamp;
const HEADER_BYTES = 10;
/** The largest binary input (every optional field present). */
export const MAX_BINARY_INPUT_BYTES = HEADER_BYTES + 4 + 1 + 8;
/** Bounds shared with the JSON `input` schema. */
export const INPUT_AXIS_LIMIT = 1e6;
export const INPUT_SEQ_MAX = 2 ** 31 - 1;

/** The length of a binary input with these flags. */
function inputLength(flags: number): number {
  return HEADER_BYTES + (flags & InputFlag.Seq ? 4 : 0) + (flags & InputFlag.Action ? 1 : 0) + (flags & InputFlag.Timestamp ? 8 : 0);
}

/** Encodes an input (a client's side; the SDK sends these). */
export function encodeInputBinary(input: RawInput): Uint8Array {
  const flags =
    (input.seq !== undefined ? InputFlag.Seq : 0) |
    (input.action !== undefined ? InputFlag.Action : 0) |
    (input.timestamp !== undefined ? InputFlag.Timestamp : 0);
  const bytes = new Uint8Array(inputLength(flags));
  const view = new DataView(bytes.buffer);
  bytes[0] = ClientMessageType.Input;
  bytes[1] = flags;
  view.setFloat32(2, input.move_x, true);
  view.setFloat32(6, input.move_y, true);
  let at = HEADER_BYTES;
  if (input.seq !== undefined) {
    view.setUint32(at, input.seq, true);
    at += 4;
  }
  if (input.action !== undefined) bytes[at++] = input.action;
  if (input.timestamp !== undefined) view.setFloat64(at, input.timestamp, true);
  return bytes;
}

export type InputDecodeResult = { ok: true; value: RawInput } | { ok: false; field: string; message: string };

/** Decodes and bounds-checks a binary input; the refusal names the field, like the JSON schema's. */
export function decodeInputBinary(bytes: Uint8Array): InputDecodeResult {
  if (bytes.byteLength < HEADER_BYTES || bytes[0] !== ClientMessageType.Input) {
    return { ok: false, field: '', message: `must be a binary input: type ${ClientMessageType.Input}, then ${HEADER_BYTES - 1}+ bytes` };
  }
  const flags = bytes[1]!;
  if ((flags & ~ALL_FLAGS) !== 0) return { ok: false, field: 'flags', message: `has unknown bits (allowed: ${ALL_FLAGS})` };
  const expected = inputLength(flags);
  if (bytes.byteLength !== expected) return { ok: false, field: '', message: `must be ${expected} bytes for flags ${flags}` };
  const moveX = load(bytes, 2, 4).getFloat32(0, true);
  const moveY = load(bytes, 6, 4).getFloat32(0, true);
  // !(|v| <= limit) is true for NaN and the infinities as well as for values out of range.
  if (!(Math.abs(moveX) <= INPUT_AXIS_LIMIT))
    return { ok: false, field: 'move_x', message: `must be between -${INPUT_AXIS_LIMIT} and ${INPUT_AXIS_LIMIT}` };
  if (!(Math.abs(moveY) <= INPUT_AXIS_LIMIT))
    return { ok: false, field: 'move_y', message: `must be between -${INPUT_AXIS_LIMIT} and ${INPUT_AXIS_LIMIT}` };
  const value: RawInput = { move_x: moveX, move_y: moveY };
  let at = HEADER_BYTES;
  if (flags & InputFlag.Seq) {
    const seq = load(bytes, at, 4).getUint32(0, true);
    if (seq > INPUT_SEQ_MAX) return { ok: false, field: 'seq', message: `must be between 0 and ${INPUT_SEQ_MAX}` };
    value.seq = seq;
    at += 4;
  }
  if (flags & InputFlag.Action) value.action = bytes[at++]!;
  if (flags & InputFlag.Timestamp) {
    const timestamp = load(bytes, at, 8).getFloat64(0, true);
    if (!(timestamp >= 0 && timestamp <= Number.MAX_SAFE_INTEGER)) {
      return { ok: false, field: 'timestamp', message: `must be between 0 and ${Number.MAX_SAFE_INTEGER}` };
    }
    value.timestamp = timestamp;
  }
  return { ok: true, value };
}

// Numbers are read through one scratch buffer instead of a DataView per message (the server
// decodes 20,000 inputs a second at 1,000 clients).
const scratch = new ArrayBuffer(8);
const scratchBytes = new Uint8Array(scratch);
const scratchView = new DataView(scratch);

/** Copies `n` bytes at `at` to the start of the scratch buffer; read them from the view it returns. */
function load(bytes: Uint8Array, at: number, n: number): DataView {
  for (let i = 0; i < n; i++) scratchBytes[i] = bytes[at + i]!;
  return scratchView;
}
