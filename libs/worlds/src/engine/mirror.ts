// Client-side mirror of one observer's view: applies world_state / state_delta / checksum in
// either encoding. The SDK and the tests use it; the server never does.
import { viewChecksum } from './checksum.js';
import { decodeBinary, type DecodedMessage, type EntityJson, type QuantisedEntity, type WorldMessageJson } from './codec.js';
import { Field, DEFAULT_POSITION_SCALE } from './interest.js';

export interface MirrorEntity {
  id: number;
  x: number;
  y: number;
  kind: number;
  hp: number;
  flags: number;
  /** Positions in quantisation steps (what the checksum covers). */
  qx: number;
  qy: number;
}

/**
 * `ok`: applied. `resync`: the mirror disagrees with the server (checksum mismatch, or a delta
 * naming an entity it does not have): ask for a fresh world_state and ignore deltas until then.
 */
export type MirrorResult = 'ok' | 'resync';

export class WorldMirror {
  readonly entities = new Map<number, MirrorEntity>();
  tick = -1;
  /** Last input seq the server had processed for this player (-1: none yet). */
  seq = -1;
  scale = DEFAULT_POSITION_SCALE;
  /** True from a mismatch until the next world_state. */
  stale = false;

  apply(message: Uint8Array | WorldMessageJson): MirrorResult {
    return message instanceof Uint8Array ? this.applyDecoded(decodeBinary(message)) : this.applyJson(message);
  }

  /** Same hash the server computes over what it last sent this client. */
  checksum(): number {
    const sorted = [...this.entities.values()].sort((a, b) => a.id - b.id);
    const column = (pick: (e: MirrorEntity) => number) => sorted.map(pick);
    return viewChecksum(
      sorted.length,
      column((e) => e.id),
      column((e) => e.qx),
      column((e) => e.qy),
      column((e) => e.hp),
      column((e) => e.kind),
      column((e) => e.flags),
    );
  }

  private applyDecoded(message: DecodedMessage): MirrorResult {
    switch (message.type) {
      case 'world_state':
        this.scale = message.scale;
        this.entities.clear();
        for (const e of message.entities) this.put(e);
        return this.accepted(message.tick, message.seq);
      case 'state_delta': {
        if (this.stale) return 'resync';
        for (const id of message.left) this.entities.delete(id);
        for (const e of message.entered) this.put(e);
        for (const u of message.updated) {
          const e = this.entities.get(u.id);
          if (!e) return this.diverged();
          if (u.mask & Field.X) e.qx += u.dqx;
          if (u.mask & Field.Y) e.qy += u.dqy;
          if (u.mask & Field.Hp) e.hp += u.dhp;
          if (u.mask & Field.Kind) e.kind = u.kind;
          if (u.mask & Field.Flags) e.flags = u.flags;
          e.x = e.qx / this.scale;
          e.y = e.qy / this.scale;
        }
        this.seq = message.seq;
        this.tick = message.tick;
        return 'ok';
      }
      case 'checksum':
        return this.verify(message.value);
    }
  }

  private applyJson(message: WorldMessageJson): MirrorResult {
    switch (message.type) {
      case 'world_state':
        this.scale = message.scale;
        this.entities.clear();
        for (const e of message.entities) this.put(this.quantised(e));
        return this.accepted(message.tick, message.seq);
      case 'state_delta': {
        if (this.stale) return 'resync';
        const { updated, entered, left } = message.changes;
        for (const id of left) this.entities.delete(id);
        for (const e of entered) this.put(this.quantised(e));
        for (const u of updated) {
          const e = this.entities.get(u.id);
          if (!e) return this.diverged();
          if (u.x !== undefined) e.qx = Math.round(u.x * this.scale);
          if (u.y !== undefined) e.qy = Math.round(u.y * this.scale);
          if (u.hp !== undefined) e.hp = u.hp;
          if (u.kind !== undefined) e.kind = u.kind;
          if (u.flags !== undefined) e.flags = u.flags;
          e.x = e.qx / this.scale;
          e.y = e.qy / this.scale;
        }
        this.seq = message.seq;
        this.tick = message.tick;
        return 'ok';
      }
      case 'checksum':
        return this.verify(message.value);
    }
  }

  private quantised(e: EntityJson): QuantisedEntity {
    return { id: e.id, qx: Math.round(e.x * this.scale), qy: Math.round(e.y * this.scale), kind: e.kind, hp: e.hp, flags: e.flags };
  }

  private put(e: QuantisedEntity): void {
    this.entities.set(e.id, { ...e, x: e.qx / this.scale, y: e.qy / this.scale });
  }

  private accepted(tick: number, seq: number): MirrorResult {
    this.tick = tick;
    this.seq = seq;
    this.stale = false;
    return 'ok';
  }

  private verify(value: number): MirrorResult {
    if (this.stale) return 'resync';
    return value === this.checksum() ? 'ok' : this.diverged();
  }

  private diverged(): MirrorResult {
    this.stale = true;
    return 'resync';
  }
}
