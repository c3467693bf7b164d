import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';

// services.mjs is plain JavaScript without type declarations; the part used here, typed.
interface Services {
  pingRedis(url: string, timeoutMs?: number): Promise<void>;
  pingPostgres(url: string, timeoutMs?: number): Promise<void>;
  freePort(): Promise<number>;
  redactUrl(url: string): string;
  startServices(options?: { log?: (line: string) => void }): Promise<{ databaseUrl: string; redisUrl: string; stop(): Promise<void> }>;
}
// A computed specifier, so tsc does not look for declarations it would not find.
const specifier = './services.mjs';
const services = (await import(specifier)) as Services;

/** A one-connection fake Redis: records what it is sent, answers PING with `reply`. */
async function fakeRedis(reply: string | null): Promise<{ url: string; received: () => string; close: () => void }> {
  let received = '';
  const server = net.createServer((socket) => {
    socket.on('data', (chunk) => {
      received += chunk.toString();
      if (received.includes('PING') && reply !== null) socket.write(reply);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return { url: `redis://127.0.0.1:${port}`, received: () => received, close: () => server.close() };
}

describe('pingRedis', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

  it('resolves on +PONG, authenticating first with the decoded URL credentials', async () => {
    const fake = await fakeRedis('+OK\r\n+PONG\r\n');
    cleanups.push(fake.close);
    await services.pingRedis(fake.url.replace('//', '//app:p%40ss@'));
    expect(fake.received()).toBe('*3\r\n$4\r\nAUTH\r\n$3\r\napp\r\n$4\r\np@ss\r\n*1\r\n$4\r\nPING\r\n');
  });

  it('rejects with the error Redis answers', async () => {
    const fake = await fakeRedis('-NOAUTH Authentication required.\r\n');
    cleanups.push(fake.close);
    await expect(services.pingRedis(fake.url)).rejects.toThrow('NOAUTH Authentication required.');
  });

  it('rejects when nothing answers in time', async () => {
    const fake = await fakeRedis(null);
    cleanups.push(fake.close);
    await expect(services.pingRedis(fake.url, 200)).rejects.toThrow('no answer within 200 ms');
  });

  it('rejects when nothing listens', async () => {
    await expect(services.pingRedis(`redis://127.0.0.1:${await services.freePort()}`)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('answers against the Redis the tests run on', async () => {
    await expect(services.pingRedis(process.env.REDIS_URL!)).resolves.toBeUndefined();
  });
});

describe('pingPostgres', () => {
  it('answers against the Postgres the tests run on, and rejects a closed port', async () => {
    await expect(services.pingPostgres(process.env.DATABASE_URL!)).resolves.toBeUndefined();
    const closed = `postgresql://postgres@127.0.0.1:${await services.freePort()}/postgres`;
    await expect(services.pingPostgres(closed)).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('startServices', () => {
  it('uses DATABASE_URL and REDIS_URL when they answer, starting nothing', async () => {
    const lines: string[] = [];
    const found = await services.startServices({ log: (line) => lines.push(line) });
    expect(found).toMatchObject({ databaseUrl: process.env.DATABASE_URL, redisUrl: process.env.REDIS_URL });
    expect(lines.join('\n')).not.toMatch(/start|warning/);
    await found.stop();
  });
});

describe('redactUrl', () => {
  it('hides the password only', () => {
    expect(services.redactUrl('postgresql://user:secret@db:5432/app')).toBe('postgresql://user:***@db:5432/app');
    expect(services.redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });
});
