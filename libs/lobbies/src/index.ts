export * from './lobbies.repository.js';
export * from './hand-over.js';
export * from './lobbies.module.js';
export * from './lobbies.service.js';
export * from './lobby-code.js';
export * from './lobby-payload.js';
