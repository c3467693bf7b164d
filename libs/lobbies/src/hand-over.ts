export interface PresentMember {
  playerId: string;
  joinedAt: Date;
}

/**
 * Who leads after a membership change. A lobby created by a game server without a player has no
 * leader and keeps none (the server owns it); a leader still present keeps the lead; otherwise the
 * longest-present member takes it (ties, e.g. a party joined in one statement, by player id).
 * Null when nobody is left — the lobby then closes.
 */
export function nextLeader(leaderId: string | null, remaining: readonly PresentMember[]): string | null {
  if (leaderId === null) return null;
  if (remaining.some((member) => member.playerId === leaderId)) return leaderId;
  const [first] = [...remaining].sort(
    (a, b) => a.joinedAt.getTime() - b.joinedAt.getTime() || (a.playerId < b.playerId ? -1 : a.playerId > b.playerId ? 1 : 0),
  );
  return first?.playerId ?? null;
}
