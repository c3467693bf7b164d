import { randomBytes } from 'node:crypto';
import type { TestApp } from './app.js';

export const PASSWORD = 'correct horse battery';

export function unique(prefix: string): string {
  return `${prefix}${randomBytes(5).toString('hex')}`;
}

export interface Studio {
  token: string;
  gameId: string;
  serverKey: string;
  clientKey: string;
}

/** A developer with one game and a server and a client key: the state every game test starts from. */
export async function createStudio({ http }: TestApp): Promise<Studio> {
  const signup = await http.post('/developers/signup').send({ email: `${unique('dev')}@studio.test`, password: PASSWORD, name: 'Dev' }).expect(201);
  const token = signup.body.token as string;
  const game = await http.post('/games').set('authorization', `Bearer ${token}`).send({ name: 'Test game' }).expect(201);
  const gameId = game.body.id as string;
  const key = async (kind: 'server' | 'client') =>
    (await http.post(`/games/${gameId}/keys`).set('authorization', `Bearer ${token}`).send({ name: kind, kind }).expect(201)).body.key as string;
  return { token, gameId, serverKey: await key('server'), clientKey: await key('client') };
}

export interface SignedInPlayer {
  id: string;
  sessionToken: string;
  refreshToken: string;
}

export async function deviceLogin({ http }: TestApp, clientKey: string, deviceId = unique('device-')): Promise<SignedInPlayer> {
  const res = await http.post('/auth/device').set('x-api-key', clientKey).send({ device_id: deviceId }).expect(201);
  return { id: res.body.player.id, sessionToken: res.body.session_token, refreshToken: res.body.refresh_token };
}

/** A caller of a game endpoint: a key (server or client) or a signed-in player. */
export type Caller = SignedInPlayer | string;

/** The header that authenticates `caller`: `X-API-Key` for a key, a Bearer session token for a player. */
export function authHeader(caller: Caller): [string, string] {
  return typeof caller === 'string' ? ['x-api-key', caller] : ['authorization', `Bearer ${caller.sessionToken}`];
}
