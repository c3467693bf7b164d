import { describe, expect, it } from 'vitest';
import type { JoinWorldAck } from '../realtime/events.js';
import { WorldSession, type WorldTransport } from './world-session.js';

const ACK: JoinWorldAck = {
  world_id: 'w',
  player_id: 'p_1',
  entity: 1,
  tick_rate: 60,
  snapshot_rate: 20,
  world_size: 100,
  aoi_radius: 50,
  encoding: 'json',
};

function setup() {
  const sent: { event: string; payload: unknown }[] = [];
  const transport: WorldTransport = { emit: (event: string, payload: unknown) => sent.push({ event, payload }) };
  let now = 0;
  const sut = new WorldSession(transport, ACK, { speed: 10, inputIntervalMs: 100 }, () => now);
  const state = (seq: number, ownX: number) => ({
    type: 'world_state' as const,
    tick: 1,
    seq,
    scale: 16,
    entities: [
      { id: 1, x: ownX, y: 50, kind: 1, hp: 100, flags: 0 },
      { id: 2, x: 10, y: 10, kind: 2, hp: 100, flags: 0 },
    ],
  });
  return { sut, sent, state, advance: (ms: number) => (now += ms) };
}

describe(WorldSession.name, () => {
  it('numbers inputs after the seq the server reports, sends them and predicts the own entity', () => {
    const { sut, sent, state } = setup();
    sut.apply(state(6, 50)); // a reload: the server already applied seq 6 of this player

    expect(sut.input(1, 0)).toBe(7);
    expect(sent).toEqual([{ event: 'input', payload: { move_x: 1, move_y: 0, seq: 7 } }]);
    expect(sut.entities().find((e) => e.own)).toMatchObject({ id: 1, x: 51, y: 50 });
  });

  it('asks for a fresh world_state once on a checksum mismatch, ignores deltas until it comes', () => {
    const { sut, sent, state } = setup();
    sut.apply(state(-1, 50));
    sut.apply({ type: 'checksum', tick: 2, value: 12345 });
    sut.apply({ type: 'state_delta', tick: 3, seq: -1, changes: { updated: [{ id: 2, x: 11 }], entered: [], left: [] } });
    sut.apply({ type: 'checksum', tick: 4, value: 12345 });

    expect(sent).toEqual([{ event: 'request_state', payload: {} }]);
    expect(sut.resyncs).toBe(1);
    expect(sut.mirror.entities.get(2)?.x).toBe(10);

    sut.apply(state(-1, 50));
    sut.apply({ type: 'checksum', tick: 5, value: sut.mirror.checksum() });
    expect(sut.mirror.stale).toBe(false);
    expect(sent).toHaveLength(1);
  });

  it('reconciles the own entity with the acknowledged seq and interpolates the others', () => {
    const { sut, state, advance } = setup();
    sut.apply(state(-1, 50));
    sut.input(1, 0); // seq 0
    sut.input(1, 0); // seq 1
    advance(50);
    // The server applied seq 0 and moved entity 2.
    sut.apply({
      type: 'state_delta',
      tick: 4,
      seq: 0,
      changes: {
        updated: [
          { id: 1, x: 51 },
          { id: 2, x: 20 },
        ],
        entered: [],
        left: [],
      },
    });

    expect(sut.predictor.unacknowledged.map((i) => i.seq)).toEqual([1]);
    advance(75); // now 125, drawn 100 ms (two snapshot intervals) in the past: halfway between the snapshots
    const drawn = sut.entities();
    expect(drawn.find((e) => e.id === 1)).toMatchObject({ own: true, x: 52 });
    expect(drawn.find((e) => e.id === 2)).toMatchObject({ own: false, x: 15, y: 10 });
  });
});
