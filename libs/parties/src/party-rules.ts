/** A member as the hand-over rule needs it. */
export interface Tenure {
  playerId: string;
  joinedAt: Date;
}

/**
 * Who leads after `leaving` leaves: the longest-present of the others (earliest `joinedAt`; the
 * smaller player id on a tie, so every node picks the same one), or null when nobody remains.
 */
export function nextLeader(members: readonly Tenure[], leaving: string): string | null {
  let best: Tenure | null = null;
  for (const member of members) {
    if (member.playerId === leaving) continue;
    if (
      best === null ||
      member.joinedAt < best.joinedAt ||
      (member.joinedAt.getTime() === best.joinedAt.getTime() && member.playerId < best.playerId)
    ) {
      best = member;
    }
  }
  return best?.playerId ?? null;
}
