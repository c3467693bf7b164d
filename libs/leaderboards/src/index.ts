export * from './leaderboard-resets.service.js';
export * from './leaderboard.types.js';
export * from './leaderboards.module.js';
export * from './leaderboards.service.js';
export * from './metadata.js';
export * from './reset-schedule.js';
