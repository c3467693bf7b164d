export * from './health.service.js';
export * from './logger.js';
export * from './metrics.service.js';
export * from './observability.module.js';
export * from './usage/usage.recorder.js';
export * from './usage/usage.service.js';
