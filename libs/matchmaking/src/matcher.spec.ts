import { describe, expect, it } from 'vitest';
import { matchTickets, packTeams, type MatcherTicket } from './matcher.js';
import { DEFAULT_MODE_RULES, type ModeRules } from './mode-rules.js';

const T0 = 1_000_000;

function ticket(id: string, skill: number, extra: Partial<MatcherTicket> & { size?: number } = {}): MatcherTicket {
  const size = extra.size ?? 1;
  return {
    id,
    region: 'eu',
    skill,
    players: Array.from({ length: size }, (_, i) => ({ playerId: size === 1 ? id : `${id}.${i}`, skill })),
    properties: {},
    createdAt: T0,
    expiresAt: T0 + 60_000,
    ...extra,
  };
}

const rules = (overrides: Partial<ModeRules> = {}): ModeRules => ({ ...DEFAULT_MODE_RULES, ...overrides });
const fiveVsFive = rules({ minPlayers: 10, maxPlayers: 10, teams: 2, teamSize: 5 });

describe(matchTickets.name, () => {
  it('matches two close players right away with the default rules', () => {
    const sut = matchTickets([ticket('a', 1850), ticket('b', 1900)], rules(), T0);
    expect(sut.matches).toHaveLength(1);
    expect(sut.matches[0]).toMatchObject({ region: 'eu', skillSpread: 50, partial: false });
    expect(sut.matches[0]!.teams.flat().sort()).toEqual(['a', 'b']);
    expect(sut.expired).toEqual([]);
  });

  it('waits for the window to widen before matching players far apart', () => {
    const tickets = [ticket('a', 1000), ticket('b', 1400)];
    expect(matchTickets(tickets, rules(), T0 + 5_000).matches).toHaveLength(0); // window 100 + 5 × 50 = 350
    expect(matchTickets(tickets, rules(), T0 + 6_000).matches).toHaveLength(1); // window 400
  });

  it('never widens past the maximum window', () => {
    const capped = rules({ skillWindow: { initial: 100, perSecond: 50, max: 300 } });
    expect(matchTickets([ticket('a', 1000), ticket('b', 1400)], capped, T0 + 50_000).matches).toHaveLength(0);
  });

  it('takes the nearest players first', () => {
    const sut = matchTickets([ticket('a', 1000), ticket('far', 1090), ticket('near', 1010)], rules(), T0);
    expect(sut.matches[0]!.tickets.map((t) => t.id).sort()).toEqual(['a', 'near']);
  });

  it('expires a ticket whose wait ran out, or matches what is there when the mode allows partial matches', () => {
    const alone = [ticket('a', 1000, { expiresAt: T0 + 1000 }), ticket('b', 1000, { region: 'us', expiresAt: T0 + 1000 })];
    expect(matchTickets(alone, rules(), T0 + 1000).expired.sort()).toEqual(['a', 'b']);

    const partial = rules({ minPlayers: 2, maxPlayers: 4, teams: 2, teamSize: 2, onTimeout: 'partial' });
    const three = [ticket('a', 1000, { expiresAt: T0 + 1000 }), ticket('b', 1010), ticket('c', 1020)];
    expect(matchTickets(three, partial, T0 + 500).matches).toHaveLength(0);
    const sut = matchTickets(three, partial, T0 + 1000);
    expect(sut.matches).toHaveLength(1);
    expect(sut.matches[0]).toMatchObject({ partial: true });
    expect(sut.matches[0]!.tickets).toHaveLength(3);
  });

  it('keeps regions apart when strict and widens to neighbours after the configured wait', () => {
    const tickets = [ticket('a', 1000, { region: 'us-east' }), ticket('b', 1000, { region: 'us-west', createdAt: T0 + 1 })];
    expect(matchTickets(tickets, rules(), T0 + 30_000).matches).toHaveLength(0);
    const neighbours = rules({ region: { policy: 'neighbours', afterSeconds: 5, neighbours: { 'us-east': ['us-west'] } } });
    expect(matchTickets(tickets, neighbours, T0 + 4_000).matches).toHaveLength(0);
    const sut = matchTickets(tickets, neighbours, T0 + 5_000);
    expect(sut.matches).toHaveLength(1);
    expect(sut.matches[0]!.region).toBe('us-east');
  });

  it('requires equal string properties and numeric ones within tolerance', () => {
    const withProps = rules({ stringProperties: ['map'], numericProperties: [{ name: 'level', tolerance: 5 }] });
    const tickets = [
      ticket('a', 1000, { properties: { map: 'dust', level: 10 } }),
      ticket('b', 1000, { properties: { map: 'nuke', level: 10 } }),
      ticket('c', 1000, { properties: { map: 'dust', level: 20 } }),
      ticket('d', 1000, { properties: { map: 'dust', level: 14 } }),
    ];
    const sut = matchTickets(tickets, withProps, T0);
    expect(sut.matches.map((m) => m.tickets.map((t) => t.id).sort())).toEqual([['a', 'd']]);
  });

  it('keeps a party on one team and balances teams by total skill', () => {
    const tickets = [
      ticket('party', 1500, { size: 3 }),
      ...[1900, 1600, 1400, 1300, 1200, 1100, 1000].map((skill, i) => ticket(`p${i}`, skill)),
    ];
    const sut = matchTickets(
      tickets,
      rules({ minPlayers: 10, maxPlayers: 10, teams: 2, teamSize: 5, skillWindow: { initial: 1000, perSecond: 0, max: 1000 } }),
      T0,
    );
    expect(sut.matches).toHaveLength(1);
    const teams = sut.matches[0]!.teams;
    const partyTeam = teams.find((team) => team.includes('party.0'))!;
    expect(partyTeam).toEqual(expect.arrayContaining(['party.0', 'party.1', 'party.2']));
    expect(teams.map((team) => team.length)).toEqual([5, 5]);
  });

  it('forms 5v5 matches out of a crowd and matches every player at most once', () => {
    const tickets = Array.from({ length: 103 }, (_, i) => ticket(`p${i}`, 1000 + ((i * 37) % 200)));
    const sut = matchTickets(tickets, fiveVsFive, T0);
    expect(sut.matches).toHaveLength(10);
    const players = sut.matches.flatMap((m) => m.teams.flat());
    expect(new Set(players).size).toBe(players.length);
    for (const match of sut.matches) expect(match.teams.map((t) => t.length)).toEqual([5, 5]);
  });

  it('serves the oldest ticket first', () => {
    const tickets = [ticket('new', 1000, { createdAt: T0 + 10 }), ticket('mid', 1001, { createdAt: T0 + 5 }), ticket('old', 1002)];
    const sut = matchTickets(tickets, rules(), T0 + 10);
    expect(sut.matches[0]!.tickets.map((t) => t.id)).toEqual(['old', 'mid']);
  });
});

describe(packTeams.name, () => {
  it('puts each ticket on the lowest-total team with room', () => {
    const sut = packTeams([ticket('a', 100), ticket('b', 90), ticket('c', 80), ticket('d', 10)], { teams: 2, teamSize: 2 });
    expect(sut).toEqual([
      ['a', 'd'],
      ['b', 'c'],
    ]);
  });

  it('returns null when a party fits no team', () => {
    expect(packTeams([ticket('big', 100, { size: 3 })], { teams: 2, teamSize: 2 })).toBeNull();
  });
});
