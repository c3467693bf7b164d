export * from './player-auth.service.js';
export * from './players.module.js';
export * from './players.service.js';
