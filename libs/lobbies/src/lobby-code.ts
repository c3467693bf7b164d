import { randomInt } from 'node:crypto';

/** No 0/O or 1/I: a code read out loud or typed from a screenshot cannot be mistaken. */
export const LOBBY_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const LOBBY_CODE_LENGTH = 6;

/** What a join may send: any case (normalised before the lookup), only the code alphabet. */
export const LOBBY_CODE_INPUT = /^[A-HJ-NP-Za-hj-np-z2-9]{6}$/;

/** A fresh random code (crypto-strong: codes of private lobbies are their only secret). */
export function generateLobbyCode(random: (max: number) => number = randomInt): string {
  let code = '';
  for (let i = 0; i < LOBBY_CODE_LENGTH; i++) code += LOBBY_CODE_ALPHABET[random(LOBBY_CODE_ALPHABET.length)];
  return code;
}

/** Codes are case-insensitive on join; they are stored upper-case. */
export function normaliseLobbyCode(code: string): string {
  return code.toUpperCase();
}
