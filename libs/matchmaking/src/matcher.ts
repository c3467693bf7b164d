import type { ModeRules } from './mode-rules.js';

/** One queued ticket as the matcher sees it: a player, or a party that must share a team. */
export interface MatcherTicket {
  id: string;
  region: string;
  /** Mean skill of the ticket's players. */
  skill: number;
  players: ReadonlyArray<{ playerId: string; skill: number }>;
  properties: Readonly<Record<string, string | number>>;
  /** Epoch milliseconds. */
  createdAt: number;
  expiresAt: number;
}

export interface FormedMatch {
  /** The region of the oldest ticket, where the match is hosted. */
  region: string;
  tickets: MatcherTicket[];
  /** Player ids per team, teams in creation order (balanced by total skill). */
  teams: string[][];
  /** Highest minus lowest player skill in the match. */
  skillSpread: number;
  /** True when formed at the timeout with fewer than max players. */
  partial: boolean;
}

export interface MatcherResult {
  matches: FormedMatch[];
  /** Ids of tickets whose wait ran out without a match. */
  expired: string[];
}

interface Entry {
  ticket: MatcherTicket;
  /** Position in input order: breaks skill ties so every entry has one place in a bucket. */
  seq: number;
  size: number;
}

/**
 * Forms matches out of the queued tickets of ONE (game, mode). Pure: the same input gives the same
 * output, nothing is read or written outside.
 *
 * Tickets are bucketed by region and required string properties, each bucket sorted by skill. The
 * oldest ticket goes first (it has the widest window, and fairness says it should): from its skill,
 * the nearest tickets of its allowed buckets are taken outward, nearest first, while they are within
 * its current skill window, fit the numeric tolerances of everyone taken so far and still pack into
 * teams — until `maxPlayers` is reached. Matched tickets leave their buckets, so each ticket costs
 * about one binary search plus a short walk: O(n log n + n·k) for n tickets and k per match.
 */
export function matchTickets(tickets: readonly MatcherTicket[], rules: ModeRules, now: number): MatcherResult {
  const buckets = new Map<string, Entry[]>();
  const entries: Entry[] = tickets.map((ticket, seq) => ({ ticket, seq, size: ticket.players.length }));
  for (const entry of entries) {
    const key = bucketKey(entry.ticket.region, entry.ticket, rules);
    let bucket = buckets.get(key);
    if (!bucket) buckets.set(key, (bucket = []));
    bucket.push(entry);
  }
  for (const bucket of buckets.values()) bucket.sort(bySkill);

  const anchors = [...entries].sort((a, b) => a.ticket.createdAt - b.ticket.createdAt || a.seq - b.seq);
  const done = new Uint8Array(entries.length);
  const result: MatcherResult = { matches: [], expired: [] };
  const remove = (entry: Entry): void => {
    done[entry.seq] = 1;
    const bucket = buckets.get(bucketKey(entry.ticket.region, entry.ticket, rules))!;
    bucket.splice(indexOf(bucket, entry), 1);
  };

  for (const anchor of anchors) {
    if (done[anchor.seq]) continue;
    const picked = pick(anchor, buckets, rules, now);
    const timedOut = now >= anchor.ticket.expiresAt;
    const total = picked.reduce((sum, e) => sum + e.size, 0);
    const full = total === rules.maxPlayers;
    if (full || (timedOut && rules.onTimeout === 'partial' && total >= rules.minPlayers)) {
      const chosen = picked.map((e) => e.ticket);
      result.matches.push({
        region: anchor.ticket.region,
        tickets: chosen,
        teams: packTeams(chosen, rules)!,
        skillSpread: spread(chosen),
        partial: !full,
      });
      picked.forEach(remove);
    } else if (timedOut) {
      result.expired.push(anchor.ticket.id);
      remove(anchor);
    }
  }
  return result;
}

/** The anchor plus the tickets it would be matched with now (maybe too few). */
function pick(anchor: Entry, buckets: Map<string, Entry[]>, rules: ModeRules, now: number): Entry[] {
  const waited = Math.max(0, (now - anchor.ticket.createdAt) / 1000);
  const { initial, perSecond, max } = rules.skillWindow;
  const window = Math.min(initial + perSecond * waited, max);
  const skill = anchor.ticket.skill;

  const regions = [anchor.ticket.region];
  if (rules.region.policy === 'neighbours' && waited >= rules.region.afterSeconds)
    regions.push(...(rules.region.neighbours[anchor.ticket.region] ?? []));
  // One cursor pair per allowed bucket: `lo` walks down in skill, `hi` walks up.
  const cursors: Array<{ bucket: Entry[]; lo: number; hi: number }> = [];
  for (const region of regions) {
    const bucket = buckets.get(bucketKey(region, anchor.ticket, rules));
    if (!bucket) continue;
    const at = lowerBound(bucket, skill);
    cursors.push({ bucket, lo: at - 1, hi: at });
  }

  const picked = [anchor];
  let total = anchor.size;
  let allSingles = anchor.size === 1;
  while (total < rules.maxPlayers) {
    // The nearest untried ticket in skill across all allowed buckets.
    let best: Entry | undefined;
    let bestDiff = Infinity;
    let bestCursor = -1;
    let bestSide: 'lo' | 'hi' = 'lo';
    for (let i = 0; i < cursors.length; i++) {
      const c = cursors[i]!;
      if (c.lo >= 0) {
        const diff = skill - c.bucket[c.lo]!.ticket.skill;
        if (diff < bestDiff) [best, bestDiff, bestCursor, bestSide] = [c.bucket[c.lo], diff, i, 'lo'];
      }
      if (c.hi < c.bucket.length) {
        const diff = c.bucket[c.hi]!.ticket.skill - skill;
        if (diff < bestDiff) [best, bestDiff, bestCursor, bestSide] = [c.bucket[c.hi], diff, i, 'hi'];
      }
    }
    if (!best || bestDiff > window) break;
    if (bestSide === 'lo') cursors[bestCursor]!.lo--;
    else cursors[bestCursor]!.hi++;
    if (best === anchor || total + best.size > rules.maxPlayers || !withinTolerances(best.ticket, picked, rules)) continue;
    // Singles always pack (max_players ≤ teams × team_size); parties need a real packing.
    if (
      !(allSingles && best.size === 1) &&
      !packTeams(
        [...picked, best].map((e) => e.ticket),
        rules,
      )
    )
      continue;
    picked.push(best);
    total += best.size;
    allSingles &&= best.size === 1;
  }
  return picked;
}

/**
 * Greedy balance: tickets by size (parties first, so they still find room), then skill, highest
 * first; each goes to the team with the lowest total skill that still has room for all its players.
 * Null when some ticket fits no team.
 */
export function packTeams(tickets: readonly MatcherTicket[], rules: Pick<ModeRules, 'teams' | 'teamSize'>): string[][] | null {
  const order = [...tickets].sort((a, b) => b.players.length - a.players.length || b.skill - a.skill);
  const teams = Array.from({ length: rules.teams }, () => ({ total: 0, players: [] as string[] }));
  for (const ticket of order) {
    let target: (typeof teams)[number] | undefined;
    for (const team of teams) {
      if (team.players.length + ticket.players.length > rules.teamSize) continue;
      if (!target || team.total < target.total) target = team;
    }
    if (!target) return null;
    for (const player of ticket.players) {
      target.players.push(player.playerId);
      target.total += player.skill;
    }
  }
  return teams.map((team) => team.players);
}

function withinTolerances(candidate: MatcherTicket, picked: readonly Entry[], rules: ModeRules): boolean {
  for (const { name, tolerance } of rules.numericProperties) {
    const value = numeric(candidate.properties[name]);
    for (const entry of picked) if (Math.abs(value - numeric(entry.ticket.properties[name])) > tolerance) return false;
  }
  return true;
}

/** A missing numeric property counts as 0, so tickets without it match each other. */
function numeric(value: string | number | undefined): number {
  return typeof value === 'number' ? value : 0;
}

function bucketKey(region: string, ticket: MatcherTicket, rules: ModeRules): string {
  let key = region;
  for (const name of rules.stringProperties) key += `\u0000${String(ticket.properties[name] ?? '')}`;
  return key;
}

function spread(tickets: readonly MatcherTicket[]): number {
  let low = Infinity;
  let high = -Infinity;
  for (const ticket of tickets) {
    for (const player of ticket.players) {
      low = Math.min(low, player.skill);
      high = Math.max(high, player.skill);
    }
  }
  return high - low;
}

function bySkill(a: Entry, b: Entry): number {
  return a.ticket.skill - b.ticket.skill || a.seq - b.seq;
}

/** First index whose skill is ≥ `skill`. */
function lowerBound(bucket: readonly Entry[], skill: number): number {
  let lo = 0;
  let hi = bucket.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (bucket[mid]!.ticket.skill < skill) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function indexOf(bucket: readonly Entry[], entry: Entry): number {
  let lo = 0;
  let hi = bucket.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (bySkill(bucket[mid]!, entry) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
