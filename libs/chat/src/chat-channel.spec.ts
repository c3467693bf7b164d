import { describe, expect, it } from 'vitest';
import { dmChannel, formatChatChannel, parseChatChannel } from './chat-channel.js';

const PARTY = '0b6f1c9e-5d2a-4c1e-9f3a-7e2d1c0b9a88';

describe(parseChatChannel.name, () => {
  const sut = parseChatChannel;

  it.each([
    ['global', { type: 'global' }],
    ['world:w1', { type: 'world', worldId: 'w1' }],
    ['sector:w1:3_4', { type: 'sector', worldId: 'w1', cell: '3_4' }],
    ['team:m-1:0', { type: 'team', matchId: 'm-1', team: 0 }],
    ['team:m-1:63', { type: 'team', matchId: 'm-1', team: 63 }],
    [`party:${PARTY}`, { type: 'party', partyId: PARTY }],
    [`lobby:${PARTY}`, { type: 'lobby', lobbyId: PARTY }],
    ['dm:alice:bob', { type: 'dm', players: ['alice', 'bob'] }],
  ])('parses %s and formats it back unchanged', (name, expected) => {
    const parsed = sut(name);
    expect(parsed).toEqual(expected);
    expect(formatChatChannel(parsed!)).toBe(name);
  });

  it.each([
    '',
    'Global',
    'global:x',
    'world',
    'world:',
    'world:a:b',
    'world:has space',
    'sector:w1',
    'team:m:64',
    'team:m:01',
    'team:m:-1',
    'party:not-a-uuid',
    `party:${PARTY.toUpperCase()}`,
    'lobby:',
    'dm:bob:alice',
    'dm:alice:alice',
    'dm:alice',
    'dm:a:b:c',
    'whisper:alice',
    `world:${'x'.repeat(129)}`,
  ])('rejects %j', (name) => {
    expect(sut(name)).toBeNull();
  });
});

describe(dmChannel.name, () => {
  const sut = dmChannel;

  it('names the pair in sorted order whichever player builds it', () => {
    expect(sut('bob', 'alice')).toBe('dm:alice:bob');
    expect(sut('alice', 'bob')).toBe('dm:alice:bob');
  });

  it('refuses a DM with oneself and ids that contain the separator', () => {
    expect(sut('alice', 'alice')).toBeNull();
    expect(sut('alice', 'steam:123')).toBeNull();
  });
});
