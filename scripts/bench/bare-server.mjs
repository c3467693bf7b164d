#!/usr/bin/env node
// The ceiling for `npm run bench:leaderboards`: the same two routes as the platform, as a bare
// Fastify + ioredis handler. No Nest, no auth, no validation, no Postgres: ZADD / ZREVRANK in
// one pipelined round trip. EXTRA_ROUND_TRIPS=n adds n sequential Redis GETs first, to price the
// platform's auth (today: a rate-limit script and an API-key lookup) on the bare handler.
import Fastify from 'fastify';
import { Redis } from 'ioredis';

const redis = new Redis(process.env.REDIS_URL, { keyPrefix: process.env.REDIS_KEY_PREFIX });
const extraRoundTrips = Number(process.env.EXTRA_ROUND_TRIPS ?? 0);
const app = Fastify({ logger: false });

async function auth() {
  for (let i = 0; i < extraRoundTrips; i++) await redis.get('bare:auth');
}

app.post('/leaderboards/:id/scores', async (request, reply) => {
  await auth();
  const { player_id: player, score } = request.body;
  const key = `bare:${request.params.id}`;
  // GT keeps the best score, like the platform's default `best` operator.
  const [[, ,], [, best], [, rank]] = await redis
    .pipeline()
    .zadd(key, 'GT', score, player)
    .zscore(key, player)
    .zrevrank(key, player)
    .exec();
  return reply.code(201).send({ player_id: player, score: Number(best), rank: rank + 1 });
});

app.get('/leaderboards/:id/rank/:playerId', async (request, reply) => {
  await auth();
  const key = `bare:${request.params.id}`;
  const [[, score], [, rank]] = await redis.pipeline().zscore(key, request.params.playerId).zrevrank(key, request.params.playerId).exec();
  if (score === null) return reply.code(404).send({ error: { code: 'not_found' } });
  return { player_id: request.params.playerId, score: Number(score), rank: rank + 1 };
});

process.on('SIGTERM', () => {
  void app
    .close()
    .then(() => redis.quit())
    .then(() => process.exit(0));
});

await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
console.log('ready');
