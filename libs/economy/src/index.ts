export type { AppliedChange, LedgerRow, TransactionResult } from './economy.repository.js';
export * from './economy.module.js';
export * from './economy.service.js';
export * from './transaction-plan.js';
