/** What happens to a ticket that waited `maxWaitSeconds` without a full match. */
export const TIMEOUT_ACTIONS = ['partial', 'expire'] as const;
export type TimeoutAction = (typeof TIMEOUT_ACTIONS)[number];

export const REGION_POLICIES = ['strict', 'neighbours'] as const;
export type RegionPolicy = (typeof REGION_POLICIES)[number];

/** A custom numeric ticket property that must be within `tolerance` of the oldest ticket's value. */
export interface NumericPropertyRule {
  name: string;
  tolerance: number;
}

/** Matchmaking rules of one (game, mode). Stored as JSON in MatchmakingMode.config. */
export interface ModeRules {
  minPlayers: number;
  maxPlayers: number;
  teams: number;
  teamSize: number;
  skillWindow: { initial: number; perSecond: number; max: number };
  maxWaitSeconds: number;
  onTimeout: TimeoutAction;
  region: { policy: RegionPolicy; afterSeconds: number; neighbours: Record<string, string[]> };
  /** Custom string properties every ticket of a match must have equal (a missing one counts as ""). */
  stringProperties: string[];
  numericProperties: NumericPropertyRule[];
  /** How long a formed match holds its players' seats before they may be matched again. */
  seatReservationSeconds: number;
}

/** The rules of a mode nobody configured: 1v1, window 100 widening 50/s to 1000, 60 s, own region. */
export const DEFAULT_MODE_RULES: ModeRules = {
  minPlayers: 2,
  maxPlayers: 2,
  teams: 2,
  teamSize: 1,
  skillWindow: { initial: 100, perSecond: 50, max: 1000 },
  maxWaitSeconds: 60,
  onTimeout: 'expire',
  region: { policy: 'strict', afterSeconds: 0, neighbours: {} },
  stringProperties: [],
  numericProperties: [],
  seatReservationSeconds: 60,
};

export const MODE_LIMITS = {
  teamsMax: 16,
  teamSizeMax: 64,
  playersMax: 128,
  maxWaitSecondsMax: 3600,
  seatReservationSecondsMax: 3600,
  propertiesMax: 16,
  skillMax: 1_000_000,
} as const;

export const GAME_MODE_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
export const REGION_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
export const PROPERTY_NAME_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * Cross-field checks the DTO cannot express; returns the first problem or null.
 * Per-field bounds are validated at the edge.
 */
export function rulesProblem(rules: ModeRules): string | null {
  if (rules.minPlayers > rules.maxPlayers) return 'min_players must not exceed max_players';
  if (rules.maxPlayers > rules.teams * rules.teamSize) return 'max_players must not exceed teams × team_size';
  if (rules.skillWindow.initial > rules.skillWindow.max) return 'skill_window.initial must not exceed skill_window.max';
  const names = [...rules.stringProperties, ...rules.numericProperties.map((p) => p.name)];
  if (new Set(names).size !== names.length) return 'a property name appears twice';
  return null;
}
