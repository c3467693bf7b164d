export * from './rate-limiter.js';
export * from './realtime-publisher.js';
export * from './redis-pubsub.js';
export * from './redis.module.js';
export * from './redis.tokens.js';
export * from './queues.module.js';
