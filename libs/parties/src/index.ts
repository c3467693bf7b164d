export * from './parties.module.js';
export * from './parties.repository.js';
export * from './parties.service.js';
export * from './party-rules.js';
export * from './party.types.js';
