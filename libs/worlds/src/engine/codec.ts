// Snapshot encoders (JSON, the seed contract; binary, the compact SDK default) and the binary
// decoder. The byte layout is documented in docs/worlds-engine.md.
import { Field, OBSERVER_STRIDE, ObserverWord, type Observer, type SnapshotDelta } from './interest.js';

const O_ID = ObserverWord.Id;
const O_QX = ObserverWord.Qx;
const O_QY = ObserverWord.Qy;
const O_HP = ObserverWord.Hp;
const O_KF = ObserverWord.KindFlags;

export const MessageType = {
  WorldState: 1,
  StateDelta: 2,
  Checksum: 3,
} as const;

export interface EntityJson {
  id: number;
  x: number;
  y: number;
  kind: number;
  hp: number;
  flags: number;
}

export interface EntityUpdateJson {
  id: number;
  x?: number;
  y?: number;
  hp?: number;
  kind?: number;
  flags?: number;
}

export interface WorldStateJson {
  type: 'world_state';
  tick: number;
  seq: number;
  /** Positions are multiples of 1 / scale. */
  scale: number;
  entities: EntityJson[];
}

export interface StateDeltaJson {
  type: 'state_delta';
  tick: number;
  seq: number;
  changes: { updated: EntityUpdateJson[]; entered: EntityJson[]; left: number[] };
}

export interface ChecksumJson {
  type: 'checksum';
  tick: number;
  value: number;
}

export type WorldMessageJson = WorldStateJson | StateDeltaJson | ChecksumJson;

/** An entity as the binary encoding carries it: quantised positions. */
export interface QuantisedEntity {
  id: number;
  qx: number;
  qy: number;
  kind: number;
  hp: number;
  flags: number;
}

/** A binary update: deltas from the values last sent, for the fields set in `mask`. */
export interface QuantisedUpdate {
  id: number;
  mask: number;
  dqx: number;
  dqy: number;
  dhp: number;
  kind: number;
  flags: number;
}

export type DecodedMessage =
  | { type: 'world_state'; tick: number; seq: number; scale: number; entities: QuantisedEntity[] }
  | { type: 'state_delta'; tick: number; seq: number; entered: QuantisedEntity[]; updated: QuantisedUpdate[]; left: number[] }
  | ChecksumJson;

/**
 * A growable byte buffer reused across messages. `finish` returns a view of the message, not a
 * copy: it is valid until the writer is next used, and whoever keeps it copies it (the gateway
 * copies it into its WebSocket frame anyway, so a copy here would be a second one per message).
 */
export class ByteWriter {
  bytes: Uint8Array;
  length = 0;

  constructor(capacity = 4096) {
    this.bytes = new Uint8Array(capacity);
  }

  reset(): void {
    this.length = 0;
  }

  /** Makes room for `n` more bytes. */
  reserve(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    const bytes = new Uint8Array(Math.max(this.length + n, this.bytes.length * 2));
    bytes.set(this.bytes.subarray(0, this.length));
    this.bytes = bytes;
  }

  u8(v: number): void {
    this.bytes[this.length++] = v;
  }

  /** Unsigned LEB128 for 0 ≤ v < 2^53 (the caller reserved 8 bytes; ticks past 2^49 need more). */
  varint(v: number): void {
    const bytes = this.bytes;
    let p = this.length;
    while (v > 127) {
      bytes[p++] = (v & 127) | 128;
      v = v < 0x80000000 ? v >>> 7 : Math.floor(v / 128);
    }
    bytes[p++] = v;
    this.length = p;
  }

  /** Signed integer, zigzag-mapped so small magnitudes of either sign take one byte. */
  zigzag(v: number): void {
    this.varint(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  u32(v: number): void {
    const bytes = this.bytes;
    bytes[this.length++] = v & 0xff;
    bytes[this.length++] = (v >>> 8) & 0xff;
    bytes[this.length++] = (v >>> 16) & 0xff;
    bytes[this.length++] = (v >>> 24) & 0xff;
  }

  finish(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }
}

/** Worst case for one entity record: id, x, y, hp varints (≤ 8 each) + mask, kind, flags. */
const MAX_RECORD_BYTES = 40;
const MAX_HEADER_BYTES = 40;

function writeEntity(w: ByteWriter, view: Int32Array, at: number, prevId: number): void {
  const o = at * OBSERVER_STRIDE;
  const id = view[o + O_ID]!;
  const kindFlags = view[o + O_KF]!;
  w.varint(prevId < 0 ? id : id - prevId - 1);
  w.zigzag(view[o + O_QX]!);
  w.zigzag(view[o + O_QY]!);
  w.u8(kindFlags & 0xff);
  w.u8(kindFlags >>> 8);
  w.zigzag(view[o + O_HP]!);
}

/** Encodes an observer's snapshot (the `delta` just extracted for it) in the binary format; returns a view of `w`. */
export function encodeSnapshotBinary(w: ByteWriter, o: Observer, d: SnapshotDelta, tick: number, seq: number, scale: number): Uint8Array {
  w.reset();
  if (d.full) {
    w.reserve(MAX_HEADER_BYTES + o.count * MAX_RECORD_BYTES);
    w.u8(MessageType.WorldState);
    w.varint(tick);
    w.varint(seq + 1);
    w.varint(scale);
    w.varint(o.count);
    const view = o.view;
    for (let i = 0; i < o.count; i++) writeEntity(w, view, i, i === 0 ? -1 : view[(i - 1) * OBSERVER_STRIDE + O_ID]!);
    return w.finish();
  }
  w.reserve(MAX_HEADER_BYTES + (d.enteredCount + d.updatedCount + d.leftCount) * MAX_RECORD_BYTES);
  w.u8(MessageType.StateDelta);
  w.varint(tick);
  w.varint(seq + 1);
  const view = o.view;
  w.varint(d.enteredCount);
  let prevId = -1;
  for (let k = 0; k < d.enteredCount; k++) {
    const at = d.entered[k]!;
    writeEntity(w, view, at, prevId);
    prevId = view[at * OBSERVER_STRIDE + O_ID]!;
  }
  w.varint(d.updatedCount);
  prevId = -1;
  for (let k = 0; k < d.updatedCount; k++) {
    const at = d.updated[k]! * OBSERVER_STRIDE;
    const id = view[at + O_ID]!;
    const mask = d.mask[k]!;
    w.varint(prevId < 0 ? id : id - prevId - 1);
    prevId = id;
    w.u8(mask);
    if (mask & Field.X) w.zigzag(d.dqx[k]!);
    if (mask & Field.Y) w.zigzag(d.dqy[k]!);
    if (mask & Field.Hp) w.zigzag(d.dhp[k]!);
    if (mask & Field.Kind) w.u8(view[at + O_KF]! & 0xff);
    if (mask & Field.Flags) w.u8(view[at + O_KF]! >>> 8);
  }
  w.varint(d.leftCount);
  prevId = -1;
  for (let k = 0; k < d.leftCount; k++) {
    const id = d.left[k]!;
    w.varint(prevId < 0 ? id : id - prevId - 1);
    prevId = id;
  }
  return w.finish();
}

function entityJson(view: Int32Array, at: number, scale: number): EntityJson {
  const o = at * OBSERVER_STRIDE;
  const kindFlags = view[o + O_KF]!;
  return {
    id: view[o + O_ID]!,
    x: view[o + O_QX]! / scale,
    y: view[o + O_QY]! / scale,
    kind: kindFlags & 0xff,
    hp: view[o + O_HP]!,
    flags: kindFlags >>> 8,
  };
}

/** The seed contract's `world_state` / `state_delta` for an observer's snapshot. */
export function encodeSnapshotJson(
  o: Observer,
  d: SnapshotDelta,
  tick: number,
  seq: number,
  scale: number,
): WorldStateJson | StateDeltaJson {
  if (d.full) {
    const entities: EntityJson[] = new Array<EntityJson>(o.count);
    for (let i = 0; i < o.count; i++) entities[i] = entityJson(o.view, i, scale);
    return { type: 'world_state', tick, seq, scale, entities };
  }
  const entered: EntityJson[] = new Array<EntityJson>(d.enteredCount);
  const view = o.view;
  for (let k = 0; k < d.enteredCount; k++) entered[k] = entityJson(view, d.entered[k]!, scale);
  const updated: EntityUpdateJson[] = new Array<EntityUpdateJson>(d.updatedCount);
  for (let k = 0; k < d.updatedCount; k++) {
    const at = d.updated[k]! * OBSERVER_STRIDE;
    const mask = d.mask[k]!;
    const update: EntityUpdateJson = { id: view[at + O_ID]! };
    if (mask & Field.X) update.x = view[at + O_QX]! / scale;
    if (mask & Field.Y) update.y = view[at + O_QY]! / scale;
    if (mask & Field.Hp) update.hp = view[at + O_HP]!;
    if (mask & Field.Kind) update.kind = view[at + O_KF]! & 0xff;
    if (mask & Field.Flags) update.flags = view[at + O_KF]! >>> 8;
    updated[k] = update;
  }
  const left = Array.from(d.left.subarray(0, d.leftCount));
  return { type: 'state_delta', tick, seq, changes: { updated, entered, left } };
}

export function encodeChecksumBinary(w: ByteWriter, tick: number, value: number): Uint8Array {
  w.reset();
  w.reserve(MAX_HEADER_BYTES);
  w.u8(MessageType.Checksum);
  w.varint(tick);
  w.u32(value);
  return w.finish();
}

export class DecodeError extends Error {
  override name = 'DecodeError';
}

class ByteReader {
  private p = 0;

  constructor(private readonly bytes: Uint8Array) {}

  get done(): boolean {
    return this.p === this.bytes.length;
  }

  u8(): number {
    if (this.p >= this.bytes.length) throw new DecodeError('truncated message');
    return this.bytes[this.p++]!;
  }

  varint(): number {
    let v = 0;
    let factor = 1;
    for (;;) {
      const b = this.u8();
      v += (b & 127) * factor;
      if (b < 128) return v;
      factor *= 128;
      if (factor > 2 ** 56) throw new DecodeError('varint too long');
    }
  }

  zigzag(): number {
    const v = this.varint();
    return v % 2 === 0 ? v / 2 : -(v + 1) / 2;
  }

  u32(): number {
    return (this.u8() | (this.u8() << 8) | (this.u8() << 16) | (this.u8() << 24)) >>> 0;
  }
}

function readEntities(r: ByteReader, count: number): QuantisedEntity[] {
  const entities: QuantisedEntity[] = [];
  let prevId = -1;
  for (let i = 0; i < count; i++) {
    const gap = r.varint();
    const id = prevId < 0 ? gap : prevId + 1 + gap;
    prevId = id;
    const qx = r.zigzag();
    const qy = r.zigzag();
    const kind = r.u8();
    const flags = r.u8();
    const hp = r.zigzag();
    entities.push({ id, qx, qy, kind, hp, flags });
  }
  return entities;
}

/** Decodes one binary message; throws DecodeError on malformed input. */
export function decodeBinary(bytes: Uint8Array): DecodedMessage {
  const r = new ByteReader(bytes);
  const type = r.u8();
  let message: DecodedMessage;
  if (type === MessageType.WorldState) {
    const tick = r.varint();
    const seq = r.varint() - 1;
    const scale = r.varint();
    message = { type: 'world_state', tick, seq, scale, entities: readEntities(r, r.varint()) };
  } else if (type === MessageType.StateDelta) {
    const tick = r.varint();
    const seq = r.varint() - 1;
    const entered = readEntities(r, r.varint());
    const updated: QuantisedUpdate[] = [];
    const updatedCount = r.varint();
    let prevId = -1;
    for (let i = 0; i < updatedCount; i++) {
      const gap = r.varint();
      const id = prevId < 0 ? gap : prevId + 1 + gap;
      prevId = id;
      const mask = r.u8();
      const dqx = mask & Field.X ? r.zigzag() : 0;
      const dqy = mask & Field.Y ? r.zigzag() : 0;
      const dhp = mask & Field.Hp ? r.zigzag() : 0;
      const kind = mask & Field.Kind ? r.u8() : 0;
      const flags = mask & Field.Flags ? r.u8() : 0;
      updated.push({ id, mask, dqx, dqy, dhp, kind, flags });
    }
    const left: number[] = [];
    const leftCount = r.varint();
    prevId = -1;
    for (let i = 0; i < leftCount; i++) {
      const gap = r.varint();
      prevId = prevId < 0 ? gap : prevId + 1 + gap;
      left.push(prevId);
    }
    message = { type: 'state_delta', tick, seq, entered, updated, left };
  } else if (type === MessageType.Checksum) {
    message = { type: 'checksum', tick: r.varint(), value: r.u32() };
  } else {
    throw new DecodeError(`unknown message type ${type}`);
  }
  if (!r.done) throw new DecodeError('trailing bytes');
  return message;
}
