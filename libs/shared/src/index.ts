export * from './errors.js';
export * from './queues.js';
export * from './realtime-events.js';
export * from './roles.js';
export * from './role-definition.js';
export * from './rooms.js';
export * from './json.js';
