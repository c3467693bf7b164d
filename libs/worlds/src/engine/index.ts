// The world simulation engine: pure TypeScript, no Nest, no I/O.
export * from './arena.js';
export * from './checksum.js';
export * from './codec.js';
export * from './ecs.js';
export * from './input-codec.js';
export * from './interest.js';
export * from './mirror.js';
export * from './module-registry.js';
export * from './spatial-hash.js';
export * from './world-loop.js';
export * from './world-module.js';
export * from './world.js';
