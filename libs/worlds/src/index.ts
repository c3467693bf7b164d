export * from './engine/index.js';
export * from './world-registry.js';
export * from './worlds.module.js';
export * from './worlds.repository.js';
export * from './worlds.service.js';
