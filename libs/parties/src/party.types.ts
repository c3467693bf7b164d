// The parties domain as the service returns it; transports map these to their wire shapes.

export const PARTY_SIZE_MIN = 2;
export const PARTY_SIZE_MAX = 16;
export const PARTY_SIZE_DEFAULT = 4;
/** How long an invite can be accepted. */
export const PARTY_INVITE_TTL_MS = 10 * 60_000;
/** Pending invites one party may hold at once: bounds the rows a leader can create. */
export const PARTY_PENDING_INVITES_MAX = 32;
/** Pending invites listed for one player (the oldest first). */
export const PLAYER_INVITES_LIST_MAX = 100;

export interface PartyMemberView {
  playerId: string;
  /** Display name, else username, else null. */
  name: string | null;
  joinedAt: Date;
}

export interface PartyInviteView {
  playerId: string;
  invitedBy: string;
  createdAt: Date;
  expiresAt: Date;
}

export interface PartyView {
  id: string;
  leaderId: string;
  maxSize: number;
  createdAt: Date;
  /** Longest-present first. */
  members: PartyMemberView[];
  /** Unexpired invites, oldest first. */
  invites: PartyInviteView[];
}

/** An invite as the invited player sees it. */
export interface ReceivedInvite {
  partyId: string;
  leaderId: string;
  invitedBy: string;
  memberCount: number;
  maxSize: number;
  createdAt: Date;
  expiresAt: Date;
}
