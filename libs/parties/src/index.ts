export * from './parties.module.js';
export * from './parties.repository.js';
export * from './parties.service.js';
