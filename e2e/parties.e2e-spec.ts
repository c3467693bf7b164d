import { PrismaService } from '@spawnpoint/prisma';
import { ServerEvent, type PartyInvitePayload, type PartyUpdatedPayload } from '@spawnpoint/shared';
import { io, type Socket } from 'socket.io-client';
import type { Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from './support/app.js';
import { authHeader, createStudio, deviceLogin, unique, type Caller, type SignedInPlayer, type Studio } from './support/fixtures.js';
import { Inbox } from './support/inbox.js';

/** A player session or an API key. */

interface PartyBody {
  party_id: string;
  leader_id: string;
  max_size: number;
  members: { player_id: string; name: string | null; joined_at: string }[];
  invites: { player_id: string; invited_by: string; created_at: string; expires_at: string }[];
}

/** The shared inbox, plus a wait for one kind of party change. */
class PartyInbox extends Inbox {
  update(type: PartyUpdatedPayload['change']['type'], playerId?: string): Promise<PartyUpdatedPayload> {
    return this.next<PartyUpdatedPayload>(
      ServerEvent.PartyUpdated,
      (p) => p.change.type === type && (playerId === undefined || p.change.player_id === playerId),
    );
  }
}

describe('/parties', () => {
  let t: TestApp;
  let s: Studio;
  let other: Studio;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    t = await startApp({}, ['api', 'realtime']);
    [s, other] = await Promise.all([createStudio(t), createStudio(t)]);
  });
  afterAll(async () => {
    sockets.forEach((socket) => socket.close());
    await t.close();
  });

  const post = (path: string, caller: Caller, body: object = {}) =>
    t.http
      .post(path)
      .set(...authHeader(caller))
      .send(body);
  const get = (path: string, caller: Caller) => t.http.get(path).set(...authHeader(caller));
  const player = () => deviceLogin(t, s.clientKey);
  const players = (n: number) => Promise.all(Array.from({ length: n }, player));
  const error = (res: Response) => res.body.error.code as string;

  /** A party led by `leader` with `members` joined through invite and accept, in that order. */
  async function party(leader: SignedInPlayer, members: SignedInPlayer[] = [], maxSize = 4): Promise<PartyBody> {
    const created = await post('/parties', leader, { max_size: maxSize }).expect(201);
    const id = created.body.party_id as string;
    for (const member of members) {
      await post(`/parties/${id}/invites`, leader, { player_id: member.id }).expect(201);
      await post(`/parties/${id}/invites/accept`, member).expect(200);
    }
    return (await get(`/parties/${id}`, leader).expect(200)).body as PartyBody;
  }

  async function inbox(p: SignedInPlayer): Promise<PartyInbox> {
    const socket = io(t.url, { auth: { token: p.sessionToken }, transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(socket);
    const box = new PartyInbox(socket);
    await box.next(ServerEvent.Welcome);
    return box;
  }

  async function expireInvite(partyId: string, playerId: string): Promise<void> {
    await t.app.get(PrismaService).partyInvite.update({
      where: { partyId_playerId: { partyId, playerId } },
      data: { expiresAt: new Date(Date.now() - 60_000) },
    });
  }

  describe('POST /parties', () => {
    it('makes the caller leader and first member, with a default size of 4', async () => {
      const res = await t.http
        .post('/auth/device')
        .set('x-api-key', s.clientKey)
        .send({ device_id: unique('device-'), username: unique('ada') })
        .expect(201);
      const ada = { id: res.body.player.id as string, sessionToken: res.body.session_token as string, refreshToken: '' };
      const created = await post('/parties', ada).expect(201);
      expect(created.body).toMatchObject({ leader_id: ada.id, max_size: 4, invites: [] });
      expect(created.body.members).toEqual([{ player_id: ada.id, name: res.body.player.username, joined_at: expect.any(String) }]);
      expect(created.body.party_id).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('lets a server key create a party for a player id, creating the player on first use', async () => {
      const id = unique('srv-');
      const created = await post('/parties', s.serverKey, { player_id: id, max_size: 16 }).expect(201);
      expect(created.body).toMatchObject({ leader_id: id, max_size: 16, members: [{ player_id: id, name: null }] });
      await t.http.get(`/players/${id}`).set('x-api-key', s.serverKey).expect(200);
    });

    it('rejects a player already in a party with 409', async () => {
      const leader = await player();
      await party(leader);
      expect(error(await post('/parties', leader).expect(409))).toBe('conflict');
    });

    it('rejects a member of another party with 409', async () => {
      const [leader, member] = await players(2);
      await party(leader, [member]);
      expect(error(await post('/parties', member).expect(409))).toBe('conflict');
    });

    it('rejects a size outside 2..16, a non-integer size and unknown fields with 400', async () => {
      const p = await player();
      for (const body of [{ max_size: 1 }, { max_size: 17 }, { max_size: 2.5 }, { max_size: '4' }, { colour: 'red' }]) {
        expect(error(await post('/parties', p, body).expect(400))).toBe('validation_failed');
      }
    });

    it('requires player_id with a server key (400)', async () => {
      const res = await post('/parties', s.serverKey).expect(400);
      expect(res.body.error.details).toEqual([{ field: 'player_id', message: expect.any(String) }]);
    });

    it('answers a session naming another player with 404', async () => {
      const [p, q] = await players(2);
      expect(error(await post('/parties', p, { player_id: q.id }).expect(404))).toBe('not_found');
    });

    it('refuses a client key with 403 and no credentials with 401', async () => {
      expect(error(await post('/parties', s.clientKey, { player_id: 'x' }).expect(403))).toBe('forbidden');
      await t.http.post('/parties').send({}).expect(401);
    });
  });

  describe('GET /parties/:partyId', () => {
    it('shows the party to its members and to a server key', async () => {
      const [leader, member] = await players(2);
      const p = await party(leader, [member]);
      const byMember = await get(`/parties/${p.party_id}`, member).expect(200);
      expect(byMember.body.members.map((m: { player_id: string }) => m.player_id)).toEqual([leader.id, member.id]);
      await get(`/parties/${p.party_id}`, s.serverKey).expect(200);
    });

    it('answers a player who is not a member with 404', async () => {
      const [leader, stranger] = await players(2);
      const p = await party(leader);
      expect(error(await get(`/parties/${p.party_id}`, stranger).expect(404))).toBe('not_found');
    });

    it('answers an unknown or malformed id with 404', async () => {
      await get('/parties/00000000-0000-4000-8000-000000000000', s.serverKey).expect(404);
      await get('/parties/not-a-uuid', s.serverKey).expect(404);
    });
  });

  describe('GET /parties/me', () => {
    it("returns the session's party, and 404 when it is in none", async () => {
      const [leader, member, loner] = await players(3);
      const p = await party(leader, [member]);
      expect((await get('/parties/me', member).expect(200)).body.party_id).toBe(p.party_id);
      await get('/parties/me', loner).expect(404);
    });

    it('lets a server key ask for a player with ?player_id= and requires it', async () => {
      const leader = await player();
      const p = await party(leader);
      expect((await get(`/parties/me?player_id=${leader.id}`, s.serverKey).expect(200)).body.party_id).toBe(p.party_id);
      await get('/parties/me', s.serverKey).expect(400);
      await get('/parties/me?player_id=bad%20id', s.serverKey).expect(400);
    });
  });

  describe('POST /parties/:partyId/invites', () => {
    it('invites a player, who is told on its socket while members see the pending invite', async () => {
      const [leader, member, invitee] = await players(3);
      const p = await party(leader, [member]);
      const [memberBox, inviteeBox] = await Promise.all([inbox(member), inbox(invitee)]);
      const res = await post(`/parties/${p.party_id}/invites`, leader, { player_id: invitee.id }).expect(201);
      expect(res.body.invites).toEqual([
        { player_id: invitee.id, invited_by: leader.id, created_at: expect.any(String), expires_at: expect.any(String) },
      ]);
      const ttl = Date.parse(res.body.invites[0].expires_at) - Date.parse(res.body.invites[0].created_at);
      expect(ttl).toBe(10 * 60_000);

      const pushed = await inviteeBox.next<PartyInvitePayload>(ServerEvent.PartyInvite);
      expect(pushed).toEqual({
        game_id: s.gameId,
        party_id: p.party_id,
        leader_id: leader.id,
        invited_by: leader.id,
        member_count: 2,
        max_size: 4,
        expires_at: res.body.invites[0].expires_at,
      });
      const update = await memberBox.update('invited', invitee.id);
      expect(update.change.actor_id).toBe(leader.id);
      expect(update.party?.invites.map((i) => i.player_id)).toEqual([invitee.id]);
    });

    it('lets a server key invite as the party authority (invited_by is the leader)', async () => {
      const [leader, invitee] = await players(2);
      const p = await party(leader);
      const res = await post(`/parties/${p.party_id}/invites`, s.serverKey, { player_id: invitee.id }).expect(201);
      expect(res.body.invites[0].invited_by).toBe(leader.id);
    });

    it('refuses a member who is not the leader with 403 and a non-member with 404', async () => {
      const [leader, member, stranger, invitee] = await players(4);
      const p = await party(leader, [member]);
      expect(error(await post(`/parties/${p.party_id}/invites`, member, { player_id: invitee.id }).expect(403))).toBe('forbidden');
      expect(error(await post(`/parties/${p.party_id}/invites`, stranger, { player_id: invitee.id }).expect(404))).toBe('not_found');
    });

    it('answers an invitee the game does not have with 404', async () => {
      const leader = await player();
      const p = await party(leader);
      const res = await post(`/parties/${p.party_id}/invites`, leader, { player_id: unique('ghost-') }).expect(404);
      expect(res.body.error.message).toMatch(/Player/);
    });

    it('rejects inviting a member (or the leader) and inviting twice with 409', async () => {
      const [leader, member, invitee] = await players(3);
      const p = await party(leader, [member]);
      await post(`/parties/${p.party_id}/invites`, leader, { player_id: member.id }).expect(409);
      await post(`/parties/${p.party_id}/invites`, leader, { player_id: leader.id }).expect(409);
      await post(`/parties/${p.party_id}/invites`, leader, { player_id: invitee.id }).expect(201);
      expect(error(await post(`/parties/${p.party_id}/invites`, leader, { player_id: invitee.id }).expect(409))).toBe('conflict');
    });

    it('rejects an invite into a full party with 409', async () => {
      const [leader, member, invitee] = await players(3);
      const p = await party(leader, [member], 2);
      await post(`/parties/${p.party_id}/invites`, leader, { player_id: invitee.id }).expect(409);
    });

    it('renews an expired invite', async () => {
      const [leader, invitee] = await players(2);
      const p = await party(leader);
      await post(`/parties/${p.party_id}/invites`, leader, { player_id: invitee.id }).expect(201);
      await expireInvite(p.party_id, invitee.id);
      const renewed = await post(`/parties/${p.party_id}/invites`, leader, { player_id: invitee.id }).expect(201);
      expect(Date.parse(renewed.body.invites[0].expires_at)).toBeGreaterThan(Date.now());
      await post(`/parties/${p.party_id}/invites/accept`, invitee).expect(200);
    });

    it('rejects a missing or malformed player_id with 400', async () => {
      const leader = await player();
      const p = await party(leader);
      await post(`/parties/${p.party_id}/invites`, leader, {}).expect(400);
      await post(`/parties/${p.party_id}/invites`, leader, { player_id: 'has space' }).expect(400);
    });
  });

  describe('GET /parties/invites', () => {
    it('lists the pending invites of the session, without expired ones', async () => {
      const [a, b, invitee] = await players(3);
      const [pa, pb] = [await party(a), await party(b, [], 3)];
      await post(`/parties/${pa.party_id}/invites`, a, { player_id: invitee.id }).expect(201);
      await post(`/parties/${pb.party_id}/invites`, b, { player_id: invitee.id }).expect(201);
      const listed = await get('/parties/invites', invitee).expect(200);
      expect(listed.body.invites).toEqual([
        expect.objectContaining({ party_id: pa.party_id, leader_id: a.id, invited_by: a.id, member_count: 1, max_size: 4 }),
        expect.objectContaining({ party_id: pb.party_id, leader_id: b.id, max_size: 3 }),
      ]);
      await expireInvite(pa.party_id, invitee.id);
      const after = await get('/parties/invites', invitee).expect(200);
      expect(after.body.invites.map((i: { party_id: string }) => i.party_id)).toEqual([pb.party_id]);
    });

    it('lets a server key list for ?player_id= and requires it', async () => {
      const [leader, invitee] = await players(2);
      const p = await party(leader);
      await post(`/parties/${p.party_id}/invites`, leader, { player_id: invitee.id }).expect(201);
      const listed = await get(`/parties/invites?player_id=${invitee.id}`, s.serverKey).expect(200);
      expect(listed.body.invites).toHaveLength(1);
      await get('/parties/invites', s.serverKey).expect(400);
    });

    it("answers a session asking for another player's invites with 404", async () => {
      const [p, q] = await players(2);
      await get(`/parties/invites?player_id=${q.id}`, p).expect(404);
    });
  });

  describe('POST /parties/:partyId/invites/accept', () => {
    it('joins the party, deletes the invite and tells every member', async () => {
      const [leader, member, invitee] = await players(3);
      const p = await party(leader, [member]);
      const [leaderBox, memberBox, inviteeBox] = await Promise.all([inbox(leader), inbox(member), inbox(invitee)]);
      await post(`/parties/${p.party_id}/invites`, leader, { player_id: invitee.id }).expect(201);
      const joined = await post(`/parties/${p.party_id}/invites/accept`, invitee).expect(200);
      expect(joined.body.members.map((m: { player_id: string }) => m.player_id)).toEqual([leader.id, member.id, invitee.id]);
      expect(joined.body.invites).toEqual([]);
      for (const box of [leaderBox, memberBox, inviteeBox]) {
        const update = await box.update('joined', invitee.id);
        expect(update).toMatchObject({ game_id: s.gameId, party_id: p.party_id, change: { actor_id: invitee.id } });
        expect(update.party?.members).toHaveLength(3);
      }
      expect((await get('/parties/invites', invitee).expect(200)).body.invites).toEqual([]);
    });

    it('lets a server key accept for the invitee', async () => {
      const [leader, invitee] = await players(2);
      const p = await party(leader);
      await post(`/parties/${p.party_id}/invites`, leader, { player_id: invitee.id }).expect(201);
      await post(`/parties/${p.party_id}/invites/accept`, s.serverKey, { player_id: invitee.id }).expect(200);
      expect((await get('/parties/me', invitee).expect(200)).body.party_id).toBe(p.party_id);
    });

    it('answers a player without an invite, and an accepted invite used again, with 404', async () => {
      const [leader, invitee, stranger] = await players(3);
      const p = await party(leader);
      expect(error(await post(`/parties/${p.party_id}/invites/accept`, stranger).expect(404))).toBe('not_found');
      await post(`/parties/${p.party_id}/invites`, leader, { player_id: invitee.id }).expect(201);
      await post(`/parties/${p.party_id}/invites/accept`, invitee).expect(200);
      await post(`/parties/${p.party_id}/invites/accept`, invitee).expect(404);
    });

    it('answers an expired invite with 404 and hides it from the party', async () => {
      const [leader, invitee] = await players(2);
      const p = await party(leader);
      await post(`/parties/${p.party_id}/invites`, leader, { player_id: invitee.id }).expect(201);
      await expireInvite(p.party_id, invitee.id);
      expect((await post(`/parties/${p.party_id}/invites/accept`, invitee).expect(404)).body.error.message).toMatch(/Invite/);
      expect((await get(`/parties/${p.party_id}`, leader).expect(200)).body.invites).toEqual([]);
    });

    it('rejects accepting into a full party with 409 and keeps the invite', async () => {
      const [leader, first, second] = await players(3);
      const p = await party(leader, [], 2);
      await post(`/parties/${p.party_id}/invites`, leader, { player_id: first.id }).expect(201);
      await post(`/parties/${p.party_id}/invites`, leader, { player_id: second.id }).expect(201);
      await post(`/parties/${p.party_id}/invites/accept`, first).expect(200);
      expect(error(await post(`/parties/${p.party_id}/invites/accept`, second).expect(409))).toBe('conflict');
      expect((await get('/parties/invites', second).expect(200)).body.invites).toHaveLength(1);
    });

    it('rejects a player already in another party with 409', async () => {
      const [a, b, invitee] = await players(3);
      await party(a, [invitee]);
      const pb = await party(b);
      await post(`/parties/${pb.party_id}/invites`, b, { player_id: invitee.id }).expect(201);
      expect(error(await post(`/parties/${pb.party_id}/invites/accept`, invitee).expect(409))).toBe('conflict');
    });

    it('lets exactly one of many concurrent accepts take the last slot', async () => {
      const leader = await player();
      const invitees = await players(6);
      const p = await party(leader, [], 3);
      await post(`/parties/${p.party_id}/invites`, leader, { player_id: invitees[0]!.id }).expect(201);
      await post(`/parties/${p.party_id}/invites/accept`, invitees[0]!).expect(200);
      for (const invitee of invitees.slice(1)) await post(`/parties/${p.party_id}/invites`, leader, { player_id: invitee.id }).expect(201);

      const results = await Promise.all(invitees.slice(1).map((invitee) => post(`/parties/${p.party_id}/invites/accept`, invitee)));
      expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409]);
      const after = await get(`/parties/${p.party_id}`, leader).expect(200);
      expect(after.body.members).toHaveLength(3);
    });

    it("lets a player accepting two parties' invites at once join exactly one", async () => {
      for (let round = 0; round < 5; round++) {
        const [a, b, invitee] = await players(3);
        const [pa, pb] = [await party(a), await party(b)];
        await post(`/parties/${pa.party_id}/invites`, a, { player_id: invitee.id }).expect(201);
        await post(`/parties/${pb.party_id}/invites`, b, { player_id: invitee.id }).expect(201);

        const results = await Promise.all([pa, pb].map((p) => post(`/parties/${p.party_id}/invites/accept`, invitee)));
        expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
        const joined = results.find((r) => r.status === 200)!.body.party_id as string;
        expect((await get('/parties/me', invitee).expect(200)).body.party_id).toBe(joined);
        const sizes = await Promise.all([get(`/parties/${pa.party_id}`, a), get(`/parties/${pb.party_id}`, b)]);
        expect(sizes.map((r) => r.body.members.length).sort()).toEqual([1, 2]);
      }
    });
  });

  describe('POST /parties/:partyId/invites/decline', () => {
    it('deletes the invite and tells the members', async () => {
      const [leader, invitee] = await players(2);
      const p = await party(leader);
      const leaderBox = await inbox(leader);
      await post(`/parties/${p.party_id}/invites`, leader, { player_id: invitee.id }).expect(201);
      await post(`/parties/${p.party_id}/invites/decline`, invitee).expect(204);
      const update = await leaderBox.update('invite_declined', invitee.id);
      expect(update.party?.invites).toEqual([]);
      await post(`/parties/${p.party_id}/invites/accept`, invitee).expect(404);
      // Declined invites can be sent again.
      await post(`/parties/${p.party_id}/invites`, leader, { player_id: invitee.id }).expect(201);
    });

    it('answers no invite, an expired invite and an unknown party with 404', async () => {
      const [leader, invitee] = await players(2);
      const p = await party(leader);
      await post(`/parties/${p.party_id}/invites/decline`, invitee).expect(404);
      await post(`/parties/${p.party_id}/invites`, leader, { player_id: invitee.id }).expect(201);
      await expireInvite(p.party_id, invitee.id);
      await post(`/parties/${p.party_id}/invites/decline`, invitee).expect(404);
      await post('/parties/00000000-0000-4000-8000-000000000000/invites/decline', invitee).expect(404);
    });

    it('accepts a request without a body', async () => {
      const [leader, invitee] = await players(2);
      const p = await party(leader);
      await post(`/parties/${p.party_id}/invites`, leader, { player_id: invitee.id }).expect(201);
      await t.http
        .post(`/parties/${p.party_id}/invites/decline`)
        .set(...authHeader(invitee))
        .expect(204);
    });
  });

  describe('POST /parties/:partyId/leave', () => {
    it("hands a leaving leader's role to the longest-present member and tells everyone, the leaver included", async () => {
      const [leader, first, second] = await players(3);
      const p = await party(leader, [first, second]);
      const [leaderBox, secondBox] = await Promise.all([inbox(leader), inbox(second)]);
      await post(`/parties/${p.party_id}/leave`, leader).expect(204);
      for (const box of [leaderBox, secondBox]) {
        const update = await box.update('left', leader.id);
        expect(update.party).toMatchObject({ leader_id: first.id, members: [{ player_id: first.id }, { player_id: second.id }] });
      }
      expect((await get(`/parties/${p.party_id}`, second).expect(200)).body.leader_id).toBe(first.id);
      await get(`/parties/${p.party_id}`, leader).expect(404);
      await get('/parties/me', leader).expect(404);
      // The new leader leads.
      const invitee = await player();
      await post(`/parties/${p.party_id}/invites`, first, { player_id: invitee.id }).expect(201);
    });

    it('keeps the leader when another member leaves', async () => {
      const [leader, member] = await players(2);
      const p = await party(leader, [member]);
      await post(`/parties/${p.party_id}/leave`, member).expect(204);
      expect((await get(`/parties/${p.party_id}`, leader).expect(200)).body).toMatchObject({
        leader_id: leader.id,
        members: [{ player_id: leader.id }],
      });
    });

    it('disbands the party when the last member leaves, with its invites', async () => {
      const [leader, invitee] = await players(2);
      const p = await party(leader);
      const leaderBox = await inbox(leader);
      await post(`/parties/${p.party_id}/invites`, leader, { player_id: invitee.id }).expect(201);
      await post(`/parties/${p.party_id}/leave`, leader).expect(204);
      const update = await leaderBox.update('disbanded', leader.id);
      expect(update.party).toBeNull();
      await get(`/parties/${p.party_id}`, s.serverKey).expect(404);
      expect((await get('/parties/invites', invitee).expect(200)).body.invites).toEqual([]);
      // Free to start another.
      await post('/parties', leader).expect(201);
    });

    it('lets a server key make a player leave', async () => {
      const [leader, member] = await players(2);
      const p = await party(leader, [member]);
      await post(`/parties/${p.party_id}/leave`, s.serverKey, { player_id: member.id }).expect(204);
      await get('/parties/me', member).expect(404);
    });

    it('answers a player who is not a member with 404', async () => {
      const [leader, stranger] = await players(2);
      const p = await party(leader);
      await post(`/parties/${p.party_id}/leave`, stranger).expect(404);
    });
  });

  describe('POST /parties/:partyId/kick', () => {
    it('removes the member and tells the members and the kicked player', async () => {
      const [leader, member, kicked] = await players(3);
      const p = await party(leader, [member, kicked]);
      const [memberBox, kickedBox] = await Promise.all([inbox(member), inbox(kicked)]);
      const res = await post(`/parties/${p.party_id}/kick`, leader, { player_id: kicked.id }).expect(200);
      expect(res.body.members.map((m: { player_id: string }) => m.player_id)).toEqual([leader.id, member.id]);
      for (const box of [memberBox, kickedBox]) {
        const update = await box.update('kicked', kicked.id);
        expect(update.change.actor_id).toBe(leader.id);
        expect(update.party?.members).toHaveLength(2);
      }
      await get(`/parties/${p.party_id}`, kicked).expect(404);
    });

    it('lets a server key kick, even the leader, handing leadership over', async () => {
      const [leader, member] = await players(2);
      const p = await party(leader, [member]);
      const res = await post(`/parties/${p.party_id}/kick`, s.serverKey, { player_id: leader.id }).expect(200);
      expect(res.body).toMatchObject({ leader_id: member.id, members: [{ player_id: member.id }] });
    });

    it('refuses a non-leader (403), a non-member (404), an unknown target (404) and the leader itself (409)', async () => {
      const [leader, member, stranger] = await players(3);
      const p = await party(leader, [member]);
      expect(error(await post(`/parties/${p.party_id}/kick`, member, { player_id: leader.id }).expect(403))).toBe('forbidden');
      await post(`/parties/${p.party_id}/kick`, stranger, { player_id: member.id }).expect(404);
      await post(`/parties/${p.party_id}/kick`, leader, { player_id: stranger.id }).expect(404);
      expect(error(await post(`/parties/${p.party_id}/kick`, leader, { player_id: leader.id }).expect(409))).toBe('conflict');
      await post(`/parties/${p.party_id}/kick`, leader, {}).expect(400);
    });
  });

  describe('POST /parties/:partyId/leader', () => {
    it('makes another member the leader and tells the members', async () => {
      const [leader, member] = await players(2);
      const p = await party(leader, [member]);
      const leaderBox = await inbox(leader);
      const res = await post(`/parties/${p.party_id}/leader`, leader, { player_id: member.id }).expect(200);
      expect(res.body.leader_id).toBe(member.id);
      expect((await leaderBox.update('leader_changed', member.id)).party?.leader_id).toBe(member.id);
      // The former leader has lost the leader's rights.
      await post(`/parties/${p.party_id}/kick`, leader, { player_id: member.id }).expect(403);
      await post(`/parties/${p.party_id}/kick`, member, { player_id: leader.id }).expect(200);
    });

    it('lets a server key promote and treats promoting the leader as no change', async () => {
      const [leader, member] = await players(2);
      const p = await party(leader, [member]);
      expect((await post(`/parties/${p.party_id}/leader`, leader, { player_id: leader.id }).expect(200)).body.leader_id).toBe(leader.id);
      expect((await post(`/parties/${p.party_id}/leader`, s.serverKey, { player_id: member.id }).expect(200)).body.leader_id).toBe(
        member.id,
      );
    });

    it('refuses a non-leader (403), a non-member caller (404) and a target who is not a member (404)', async () => {
      const [leader, member, stranger] = await players(3);
      const p = await party(leader, [member]);
      await post(`/parties/${p.party_id}/leader`, member, { player_id: member.id }).expect(403);
      await post(`/parties/${p.party_id}/leader`, stranger, { player_id: stranger.id }).expect(404);
      await post(`/parties/${p.party_id}/leader`, leader, { player_id: stranger.id }).expect(404);
    });
  });

  describe('tenant isolation and key kinds', () => {
    it("answers another game's server key with 404 on every route of a party", async () => {
      const [leader, member] = await players(2);
      const p = await party(leader, [member]);
      const outsider = other.serverKey;
      await get(`/parties/${p.party_id}`, outsider).expect(404);
      await post(`/parties/${p.party_id}/invites`, outsider, { player_id: member.id }).expect(404);
      await post(`/parties/${p.party_id}/invites/accept`, outsider, { player_id: member.id }).expect(404);
      await post(`/parties/${p.party_id}/invites/decline`, outsider, { player_id: member.id }).expect(404);
      await post(`/parties/${p.party_id}/leave`, outsider, { player_id: leader.id }).expect(404);
      await post(`/parties/${p.party_id}/kick`, outsider, { player_id: member.id }).expect(404);
      await post(`/parties/${p.party_id}/leader`, outsider, { player_id: member.id }).expect(404);
      // Same player ids in game B are other players: they are in no party there.
      await get(`/parties/me?player_id=${leader.id}`, outsider).expect(404);
      expect((await get(`/parties/${p.party_id}`, leader).expect(200)).body.members).toHaveLength(2);
    });

    it("answers another game's player session with 404 and refuses to invite another game's player", async () => {
      const leader = await player();
      const p = await party(leader);
      const foreign = await deviceLogin(t, other.clientKey);
      await get(`/parties/${p.party_id}`, foreign).expect(404);
      await post(`/parties/${p.party_id}/invites`, leader, { player_id: foreign.id }).expect(404);
    });

    it('refuses a client key with 403 on every route', async () => {
      const leader = await player();
      const p = await party(leader);
      const key = s.clientKey;
      const responses = await Promise.all([
        get('/parties/me', key),
        get('/parties/invites', key),
        get(`/parties/${p.party_id}`, key),
        post(`/parties/${p.party_id}/invites`, key, { player_id: leader.id }),
        post(`/parties/${p.party_id}/invites/accept`, key),
        post(`/parties/${p.party_id}/invites/decline`, key),
        post(`/parties/${p.party_id}/leave`, key),
        post(`/parties/${p.party_id}/kick`, key, { player_id: leader.id }),
        post(`/parties/${p.party_id}/leader`, key, { player_id: leader.id }),
      ]);
      expect(responses.map((r) => r.status)).toEqual(Array(9).fill(403));
    });
  });
});
