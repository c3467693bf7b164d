import { describe, expect, it } from 'vitest';
import { generateLobbyCode, LOBBY_CODE_ALPHABET, LOBBY_CODE_INPUT, LOBBY_CODE_LENGTH, normaliseLobbyCode } from './lobby-code.js';

describe(generateLobbyCode.name, () => {
  it('makes codes of six characters from the unambiguous alphabet', () => {
    for (let i = 0; i < 2_000; i++) {
      const sut = generateLobbyCode();
      expect(sut).toHaveLength(LOBBY_CODE_LENGTH);
      for (const char of sut) expect(LOBBY_CODE_ALPHABET).toContain(char);
    }
  });

  it('never uses characters that read alike', () => {
    for (const char of ['0', 'O', '1', 'I']) expect(LOBBY_CODE_ALPHABET).not.toContain(char);
    expect(new Set(LOBBY_CODE_ALPHABET).size).toBe(32);
  });

  it('can reach every letter of the alphabet', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2_000; i++) for (const char of generateLobbyCode()) seen.add(char);
    expect(seen.size).toBe(LOBBY_CODE_ALPHABET.length);
  });

  it('maps the random source onto the alphabet in order', () => {
    let next = 0;
    expect(generateLobbyCode(() => next++)).toBe('ABCDEF');
    expect(generateLobbyCode((max) => max - 1)).toBe('999999');
  });
});

describe(normaliseLobbyCode.name, () => {
  it('accepts any case and stores upper case', () => {
    expect(normaliseLobbyCode('abc2x9')).toBe('ABC2X9');
    expect(LOBBY_CODE_INPUT.test('abc2x9')).toBe(true);
  });

  it('lets the input pattern refuse ambiguous or wrong-length codes', () => {
    for (const code of ['ABC10O', 'abci23', 'ABCDE', 'ABCDEFG', 'ABC-23']) expect(LOBBY_CODE_INPUT.test(code)).toBe(false);
  });
});
