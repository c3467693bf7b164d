export * from './errors.js';
export * from './migrator.js';
export * from './prisma.module.js';
export * from './prisma.service.js';
export type { ApiKey, Developer, Game, Player, PlayerSession, RefreshToken } from './generated/client.js';
export { ApiKeyKind, Prisma } from './generated/client.js';
