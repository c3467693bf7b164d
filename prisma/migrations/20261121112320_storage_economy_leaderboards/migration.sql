-- CreateEnum
CREATE TYPE "storage_read_access" AS ENUM ('none', 'owner', 'public');

-- CreateEnum
CREATE TYPE "storage_write_access" AS ENUM ('none', 'owner');

-- CreateEnum
CREATE TYPE "ledger_kind" AS ENUM ('currency', 'item');

-- CreateEnum
CREATE TYPE "leaderboard_sort_order" AS ENUM ('desc', 'asc');

-- CreateEnum
CREATE TYPE "leaderboard_operator" AS ENUM ('best', 'set', 'increment', 'decrement');

-- CreateTable
CREATE TABLE "storage_objects" (
    "game_id" UUID NOT NULL,
    "player_id" TEXT NOT NULL,
    "collection" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "read_access" "storage_read_access" NOT NULL DEFAULT 'owner',
    "write_access" "storage_write_access" NOT NULL DEFAULT 'owner',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "storage_objects_pkey" PRIMARY KEY ("game_id","player_id","collection","key")
);

-- CreateTable
CREATE TABLE "wallet_balances" (
    "game_id" UUID NOT NULL,
    "player_id" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "amount" BIGINT NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "wallet_balances_pkey" PRIMARY KEY ("game_id","player_id","currency")
);

-- CreateTable
CREATE TABLE "inventory_stacks" (
    "game_id" UUID NOT NULL,
    "player_id" TEXT NOT NULL,
    "item_id" TEXT NOT NULL,
    "quantity" BIGINT NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "inventory_stacks_pkey" PRIMARY KEY ("game_id","player_id","item_id")
);

-- CreateTable
CREATE TABLE "economy_transactions" (
    "id" UUID NOT NULL,
    "game_id" UUID NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "result" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "economy_transactions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ledger_entries" (
    "id" BIGSERIAL NOT NULL,
    "game_id" UUID NOT NULL,
    "transaction_id" UUID NOT NULL,
    "player_id" TEXT NOT NULL,
    "kind" "ledger_kind" NOT NULL,
    "code" TEXT NOT NULL,
    "delta" BIGINT NOT NULL,
    "balance_after" BIGINT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ledger_entries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "leaderboards" (
    "game_id" UUID NOT NULL,
    "id" TEXT NOT NULL,
    "sort_order" "leaderboard_sort_order" NOT NULL DEFAULT 'desc',
    "operator" "leaderboard_operator" NOT NULL DEFAULT 'best',
    "reset_schedule" TEXT,
    "authoritative" BOOLEAN NOT NULL DEFAULT false,
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "season" INTEGER NOT NULL DEFAULT 1,
    "season_started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "next_reset_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "leaderboards_pkey" PRIMARY KEY ("game_id","id")
);

-- CreateTable
CREATE TABLE "leaderboard_seasons" (
    "game_id" UUID NOT NULL,
    "leaderboard_id" TEXT NOT NULL,
    "season" INTEGER NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "ended_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "leaderboard_seasons_pkey" PRIMARY KEY ("game_id","leaderboard_id","season")
);

-- CreateTable
CREATE TABLE "leaderboard_records" (
    "game_id" UUID NOT NULL,
    "leaderboard_id" TEXT NOT NULL,
    "season" INTEGER NOT NULL,
    "player_id" TEXT NOT NULL,
    "score" BIGINT NOT NULL,
    "subscore" BIGINT NOT NULL DEFAULT 0,
    "metadata" JSONB,
    "submissions" INTEGER NOT NULL DEFAULT 1,
    "reached_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "leaderboard_records_pkey" PRIMARY KEY ("game_id","leaderboard_id","season","player_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "economy_transactions_game_id_idempotency_key_key" ON "economy_transactions"("game_id", "idempotency_key");

-- CreateIndex
CREATE INDEX "ledger_entries_game_id_player_id_id_idx" ON "ledger_entries"("game_id", "player_id", "id");

-- CreateIndex
CREATE INDEX "leaderboard_records_game_id_leaderboard_id_season_score_idx" ON "leaderboard_records"("game_id", "leaderboard_id", "season", "score");

-- AddForeignKey
ALTER TABLE "storage_objects" ADD CONSTRAINT "storage_objects_game_id_player_id_fkey" FOREIGN KEY ("game_id", "player_id") REFERENCES "players"("game_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "wallet_balances" ADD CONSTRAINT "wallet_balances_game_id_player_id_fkey" FOREIGN KEY ("game_id", "player_id") REFERENCES "players"("game_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "inventory_stacks" ADD CONSTRAINT "inventory_stacks_game_id_player_id_fkey" FOREIGN KEY ("game_id", "player_id") REFERENCES "players"("game_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_transaction_id_fkey" FOREIGN KEY ("transaction_id") REFERENCES "economy_transactions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "leaderboard_seasons" ADD CONSTRAINT "leaderboard_seasons_game_id_leaderboard_id_fkey" FOREIGN KEY ("game_id", "leaderboard_id") REFERENCES "leaderboards"("game_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "leaderboard_records" ADD CONSTRAINT "leaderboard_records_game_id_leaderboard_id_fkey" FOREIGN KEY ("game_id", "leaderboard_id") REFERENCES "leaderboards"("game_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;
