export type { MatchRecord, ModeStats, TicketPlayer, TicketRecord, TicketStatus } from './matchmaking.repository.js';
export * from './matcher.js';
export * from './matcher-lock.js';
export * from './matchmaker.service.js';
export * from './matchmaking.module.js';
export * from './matchmaking-stats.service.js';
export * from './matchmaking.service.js';
export * from './mode-rules.js';
export * from './mode-rules.service.js';
