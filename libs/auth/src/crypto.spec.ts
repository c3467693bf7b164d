import { describe, expect, it } from 'vitest';
import { hashPassword, randomToken, sha256, verifyPassword } from './crypto.js';

describe('hashPassword', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const sut = await hashPassword('hunter2 hunter2');
    expect(sut).toMatch(/^scrypt\$32768\$8\$1\$/);
    await expect(verifyPassword('hunter2 hunter2', sut)).resolves.toBe(true);
    await expect(verifyPassword('hunter3 hunter3', sut)).resolves.toBe(false);
  });

  it('salts every hash', async () => {
    const [a, b] = await Promise.all([hashPassword('same'), hashPassword('same')]);
    expect(a).not.toBe(b);
  });

  it('refuses a malformed stored hash instead of throwing', async () => {
    await expect(verifyPassword('x', 'plain-text-password')).resolves.toBe(false);
  });
});

describe('randomToken and sha256', () => {
  it('gives URL-safe tokens of the requested entropy and stable hashes', () => {
    const token = randomToken(30);
    expect(token).toMatch(/^[A-Za-z0-9_-]{40}$/);
    expect(randomToken(30)).not.toBe(token);
    expect(sha256('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
