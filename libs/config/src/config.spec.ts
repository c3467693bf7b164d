import { describe, expect, it } from 'vitest';
import { ConfigError, DEV_SECRET, loadConfig } from './config.js';

const base = {
  DATABASE_URL: 'postgresql://localhost/sp',
  REDIS_URL: 'redis://localhost:6379',
};
const secrets = { JWT_SESSION_SECRET: 'a'.repeat(40), JWT_DEVELOPER_SECRET: 'b'.repeat(40) };

describe('loadConfig', () => {
  it('applies defaults for a development process', () => {
    const sut = loadConfig({ ...base });
    expect(sut.PORT).toBe(8500);
    expect(sut.ROLES).toEqual(['api', 'realtime', 'worker']);
    expect(sut.JWT_SESSION_SECRET).toBe(DEV_SECRET);
  });

  it('names the missing variable in one line', () => {
    expect(() => loadConfig({ REDIS_URL: base.REDIS_URL })).toThrowError(/^config: DATABASE_URL is missing$/);
  });

  it('names a malformed variable and says why', () => {
    expect(() => loadConfig({ ...base, PORT: 'eighty' })).toThrowError(/^config: PORT is invalid: /);
  });

  it('refuses the development secret outside development mode', () => {
    expect(() => loadConfig({ ...base, NODE_ENV: 'production', JWT_DEVELOPER_SECRET: secrets.JWT_DEVELOPER_SECRET })).toThrowError(
      new ConfigError('config: JWT_SESSION_SECRET is missing: the development default is refused when NODE_ENV=production'),
    );
  });

  it('refuses a short secret in production', () => {
    expect(() => loadConfig({ ...base, ...secrets, NODE_ENV: 'production', JWT_SESSION_SECRET: 'short' })).toThrowError(
      /JWT_SESSION_SECRET is invalid: must be at least 32 characters/,
    );
  });

  it('parses a role list and rejects unknown roles', () => {
    expect(loadConfig({ ...base, ROLES: 'api, worker' }).ROLES).toEqual(['api', 'worker']);
    expect(() => loadConfig({ ...base, ROLES: 'api,gateway' })).toThrowError(/ROLES is invalid: unknown role\(s\) "gateway"/);
  });
});
