export * from './cursor.js';
export * from './json-value.js';
export * from './limits.js';
export * from './preconditions.js';
export * from './storage.module.js';
export * from './storage.service.js';
