import { Module } from '@nestjs/common';
import { PlayersModule } from '@spawnpoint/players';
import { EconomyRepository } from './economy.repository.js';
import { EconomyService } from './economy.service.js';

/** Wallets, inventories and the ledger: balances change only through atomic, idempotent transactions. */
@Module({
  imports: [PlayersModule],
  providers: [EconomyRepository, EconomyService],
  exports: [EconomyService],
})
export class EconomyModule {}
