// Chat channel names, parsed and built in one place. A channel is a plain string stored on every
// message (see the ChatMessage schema comment); this file is the only one that knows its syntax.

/** The longest channel name accepted; bounds the indexed column and the URL segment. */
export const CHAT_CHANNEL_MAX = 300;

/** World, match and sector-cell ids: URL-safe and free of the `:` separator. */
const SEGMENT = /^[A-Za-z0-9_.@-]{1,128}$/;
/** Party and lobby ids are UUIDs (lower-case, as the API returns them). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Team numbers within a match. */
export const CHAT_TEAM_MAX = 63;

export type ChatChannel =
  | { type: 'global' }
  | { type: 'world'; worldId: string }
  | { type: 'sector'; worldId: string; cell: string }
  | { type: 'team'; matchId: string; team: number }
  | { type: 'party'; partyId: string }
  | { type: 'lobby'; lobbyId: string }
  | { type: 'dm'; players: [string, string] };

export type ChatChannelType = ChatChannel['type'];

/**
 * Parses a channel name; null when it is not one of the documented forms. A DM names two
 * different players in sorted order, so each pair of players has exactly one DM channel.
 * Player ids may contain `:` in general, but such players cannot be named in a DM channel
 * (the name would be ambiguous).
 */
export function parseChatChannel(name: string): ChatChannel | null {
  if (name.length === 0 || name.length > CHAT_CHANNEL_MAX) return null;
  const [type, ...rest] = name.split(':');
  switch (type) {
    case 'global':
      return rest.length === 0 ? { type: 'global' } : null;
    case 'world':
      return rest.length === 1 && SEGMENT.test(rest[0]!) ? { type: 'world', worldId: rest[0]! } : null;
    case 'sector':
      return rest.length === 2 && SEGMENT.test(rest[0]!) && SEGMENT.test(rest[1]!)
        ? { type: 'sector', worldId: rest[0]!, cell: rest[1]! }
        : null;
    case 'team': {
      if (rest.length !== 2 || !SEGMENT.test(rest[0]!) || !/^(0|[1-9][0-9]?)$/.test(rest[1]!)) return null;
      const team = Number(rest[1]);
      return team <= CHAT_TEAM_MAX ? { type: 'team', matchId: rest[0]!, team } : null;
    }
    case 'party':
      return rest.length === 1 && UUID.test(rest[0]!) ? { type: 'party', partyId: rest[0]! } : null;
    case 'lobby':
      return rest.length === 1 && UUID.test(rest[0]!) ? { type: 'lobby', lobbyId: rest[0]! } : null;
    case 'dm': {
      if (rest.length !== 2) return null;
      const [a, b] = rest as [string, string];
      if (!SEGMENT.test(a) || !SEGMENT.test(b) || a >= b) return null;
      return { type: 'dm', players: [a, b] };
    }
    default:
      return null;
  }
}

/** The DM channel of two players, or null when they are the same player or an id cannot be named in one. */
export function dmChannel(playerId: string, otherId: string): string | null {
  if (playerId === otherId || !SEGMENT.test(playerId) || !SEGMENT.test(otherId)) return null;
  const [a, b] = playerId < otherId ? [playerId, otherId] : [otherId, playerId];
  return `dm:${a}:${b}`;
}

/** The canonical name of a parsed channel (`formatChatChannel(parseChatChannel(x)!) === x`). */
export function formatChatChannel(channel: ChatChannel): string {
  switch (channel.type) {
    case 'global':
      return 'global';
    case 'world':
      return `world:${channel.worldId}`;
    case 'sector':
      return `sector:${channel.worldId}:${channel.cell}`;
    case 'team':
      return `team:${channel.matchId}:${channel.team}`;
    case 'party':
      return `party:${channel.partyId}`;
    case 'lobby':
      return `lobby:${channel.lobbyId}`;
    case 'dm':
      return `dm:${channel.players[0]}:${channel.players[1]}`;
  }
}
