import type { LobbyPayload } from '@spawnpoint/shared';
import type { LobbyRecord } from './lobbies.repository.js';

/** The one JSON shape of a lobby, for HTTP bodies and realtime pushes alike. */
export function lobbyPayload(lobby: LobbyRecord): LobbyPayload {
  return {
    lobby_id: lobby.id,
    code: lobby.status === 'open' ? lobby.code : null,
    name: lobby.name,
    game_mode: lobby.mode,
    max_players: lobby.maxPlayers,
    private: lobby.private,
    locked: lobby.locked,
    status: lobby.status,
    leader_id: lobby.leaderId,
    world_id: lobby.worldId,
    created_at: lobby.createdAt.toISOString(),
    players: lobby.members.map((m) => ({ id: m.playerId, name: m.name, ready: m.ready })),
  };
}
