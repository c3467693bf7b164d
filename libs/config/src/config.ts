import { bool, cleanEnv, makeValidator, port, str, url } from 'envalid';
import { parseRoles, type Role } from '@spawnpoint/shared';

// One typed env schema per process: the common part every role needs, plus what each role adds.
// A missing or malformed value stops boot with one readable line naming the variable.

export const DEV_SECRET = 'spawnpoint-development-secret-do-not-use';

const positiveInt = makeValidator<number>((input) => {
  const value = Number(input);
  if (!Number.isInteger(value) || value <= 0) throw new Error('must be a positive integer');
  return value;
});

const roles = makeValidator<Role[]>((input) => parseRoles(String(input)));

const logLevel = str({ choices: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info' });

const common = {
  NODE_ENV: str({ choices: ['development', 'test', 'production'], default: 'development' }),
  ROLES: roles({ default: ['api', 'realtime', 'worker'], desc: 'comma list of roles this process runs' }),
  HOST: str({ default: '0.0.0.0' }),
  PORT: port({ default: 8500 }),
  DATABASE_URL: url({ desc: 'PostgreSQL connection URL' }),
  DATABASE_POOL_SIZE: positiveInt({ default: 10 }),
  REDIS_URL: url({ desc: 'Redis connection URL' }),
  REDIS_KEY_PREFIX: str({ default: 'sp:' }),
  LOG_LEVEL: logLevel,
  SHUTDOWN_TIMEOUT_MS: positiveInt({ default: 10_000 }),
  JWT_SESSION_SECRET: str({ default: DEV_SECRET, desc: 'signs player session tokens' }),
  MIGRATE_ON_BOOT: bool({ default: true }),
};

const api = {
  JWT_DEVELOPER_SECRET: str({ default: DEV_SECRET, desc: 'signs dashboard developer tokens' }),
  DEVELOPER_TOKEN_TTL_SECONDS: positiveInt({ default: 86_400 }),
  BODY_LIMIT_BYTES: positiveInt({ default: 1_048_576 }),
  TRUST_PROXY: bool({ default: false }),
  RATE_LIMIT_IP_PER_MINUTE: positiveInt({ default: 6_000 }),
  RATE_LIMIT_KEY_PER_MINUTE: positiveInt({ default: 60_000 }),
  LOGIN_FAILURES_PER_ACCOUNT: positiveInt({ default: 10, desc: 'failed logins per account per 15 minutes' }),
  LOGIN_FAILURES_PER_IP: positiveInt({ default: 100, desc: 'failed logins per IP per 15 minutes' }),
  DOCS_ENABLED: bool({ default: true }),
};

const realtime = {
  REALTIME_RESUME_GRACE_MS: positiveInt({
    default: 30_000,
    desc: 'how long a dropped connection may resume, and how long before its player goes offline',
  }),
  REALTIME_EVENTS_PER_SECOND: positiveInt({ default: 20, desc: 'sustained inbound events per socket (token bucket refill)' }),
  REALTIME_EVENT_BURST: positiveInt({ default: 40, desc: 'inbound event burst per socket (token bucket size)' }),
  REALTIME_INPUTS_PER_SECOND: positiveInt({
    default: 120,
    desc: 'sustained world inputs per socket; a separate bucket of twice this size',
  }),
  REALTIME_MAX_EVENT_BYTES: positiveInt({
    default: 16_384,
    desc: 'largest inbound event answered normally; larger ones get payload_too_large',
  }),
  REALTIME_FLOOD_LIMIT: positiveInt({ default: 50, desc: 'refused events within 10 s after which a socket is disconnected' }),
};

const worker = {
  SESSION_RETENTION_DAYS: positiveInt({ default: 7, desc: 'days an expired or revoked session is kept' }),
};

/** Every setting, typed; role-specific ones carry their defaults even when the role is off. */
export type AppConfig = ReturnType<typeof cleanEnv<typeof common & typeof api & typeof realtime & typeof worker>>;

export class ConfigError extends Error {}

/**
 * Validates `env` for the roles it selects. Throws `ConfigError` with one line per problem:
 * `config: DATABASE_URL is missing (PostgreSQL connection URL)`.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, roleOverride?: Role[]): AppConfig {
  const source = roleOverride ? { ...env, ROLES: roleOverride.join(',') } : env;
  // envalid returns a strict proxy that throws on unknown properties; Nest's DI probes values
  // (e.g. `.constructor`), so hand out a plain frozen copy.
  const config = Object.freeze({
    ...cleanEnv(source, { ...common, ...api, ...realtime, ...worker }, { reporter: throwOneLine }),
  }) as AppConfig;
  refuseDevelopmentSecrets(config);
  return config;
}

function throwOneLine({ errors }: { errors: Partial<Record<string, Error>> }): void {
  const lines = Object.entries(errors).map(([name, error]) => {
    const missing = error?.name === 'EnvMissingError';
    return `config: ${name} ${missing ? 'is missing' : `is invalid: ${error?.message}`}`;
  });
  if (lines.length > 0) throw new ConfigError(lines.join('\n'));
}

function refuseDevelopmentSecrets(config: AppConfig): void {
  if (config.NODE_ENV === 'development') return;
  for (const name of ['JWT_SESSION_SECRET', 'JWT_DEVELOPER_SECRET'] as const) {
    const value = config[name];
    if (value === DEV_SECRET) {
      throw new ConfigError(`config: ${name} is missing: the development default is refused when NODE_ENV=${config.NODE_ENV}`);
    }
    if (value.length < 32) {
      throw new ConfigError(`config: ${name} is invalid: must be at least 32 characters when NODE_ENV=${config.NODE_ENV}`);
    }
  }
}
