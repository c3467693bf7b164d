-- CreateEnum
CREATE TYPE "ticket_status" AS ENUM ('queued', 'matched', 'cancelled', 'expired');

-- CreateEnum
CREATE TYPE "lobby_status" AS ENUM ('open', 'started', 'closed');

-- CreateTable
CREATE TABLE "matchmaking_modes" (
    "game_id" UUID NOT NULL,
    "mode" TEXT NOT NULL,
    "config" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "matchmaking_modes_pkey" PRIMARY KEY ("game_id","mode")
);

-- CreateTable
CREATE TABLE "matchmaking_tickets" (
    "id" UUID NOT NULL,
    "game_id" UUID NOT NULL,
    "mode" TEXT NOT NULL,
    "region" TEXT NOT NULL,
    "status" "ticket_status" NOT NULL DEFAULT 'queued',
    "skill" DOUBLE PRECISION NOT NULL,
    "players" JSONB NOT NULL,
    "party_id" UUID,
    "properties" JSONB NOT NULL DEFAULT '{}',
    "match_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "matchmaking_tickets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "matchmaking_ticket_players" (
    "game_id" UUID NOT NULL,
    "player_id" TEXT NOT NULL,
    "ticket_id" UUID NOT NULL,

    CONSTRAINT "matchmaking_ticket_players_pkey" PRIMARY KEY ("game_id","player_id")
);

-- CreateTable
CREATE TABLE "matches" (
    "id" UUID NOT NULL,
    "game_id" UUID NOT NULL,
    "mode" TEXT NOT NULL,
    "region" TEXT NOT NULL,
    "world_id" TEXT NOT NULL,
    "server" TEXT NOT NULL,
    "teams" JSONB NOT NULL,
    "skill_spread" DOUBLE PRECISION NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "matches_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "match_seats" (
    "game_id" UUID NOT NULL,
    "player_id" TEXT NOT NULL,
    "match_id" UUID NOT NULL,
    "reserved_until" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "match_seats_pkey" PRIMARY KEY ("game_id","player_id")
);

-- CreateTable
CREATE TABLE "lobbies" (
    "id" UUID NOT NULL,
    "game_id" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "mode" TEXT NOT NULL,
    "max_players" INTEGER NOT NULL,
    "private" BOOLEAN NOT NULL DEFAULT false,
    "locked" BOOLEAN NOT NULL DEFAULT false,
    "status" "lobby_status" NOT NULL DEFAULT 'open',
    "leader_id" TEXT NOT NULL,
    "world_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "lobbies_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "lobby_codes" (
    "game_id" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "lobby_id" UUID NOT NULL,

    CONSTRAINT "lobby_codes_pkey" PRIMARY KEY ("game_id","code")
);

-- CreateTable
CREATE TABLE "lobby_members" (
    "game_id" UUID NOT NULL,
    "player_id" TEXT NOT NULL,
    "lobby_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "ready" BOOLEAN NOT NULL DEFAULT false,
    "joined_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "lobby_members_pkey" PRIMARY KEY ("game_id","player_id")
);

-- CreateTable
CREATE TABLE "parties" (
    "id" UUID NOT NULL,
    "game_id" UUID NOT NULL,
    "leader_id" TEXT NOT NULL,
    "max_size" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "parties_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "party_members" (
    "game_id" UUID NOT NULL,
    "player_id" TEXT NOT NULL,
    "party_id" UUID NOT NULL,
    "joined_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "party_members_pkey" PRIMARY KEY ("game_id","player_id")
);

-- CreateTable
CREATE TABLE "party_invites" (
    "party_id" UUID NOT NULL,
    "game_id" UUID NOT NULL,
    "player_id" TEXT NOT NULL,
    "invited_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "party_invites_pkey" PRIMARY KEY ("party_id","player_id")
);

-- CreateIndex
CREATE INDEX "matchmaking_tickets_game_id_mode_status_created_at_idx" ON "matchmaking_tickets"("game_id", "mode", "status", "created_at");

-- CreateIndex
CREATE INDEX "matchmaking_ticket_players_ticket_id_idx" ON "matchmaking_ticket_players"("ticket_id");

-- CreateIndex
CREATE INDEX "matches_game_id_created_at_idx" ON "matches"("game_id", "created_at");

-- CreateIndex
CREATE INDEX "match_seats_match_id_idx" ON "match_seats"("match_id");

-- CreateIndex
CREATE INDEX "lobbies_game_id_status_mode_idx" ON "lobbies"("game_id", "status", "mode");

-- CreateIndex
CREATE UNIQUE INDEX "lobby_codes_lobby_id_key" ON "lobby_codes"("lobby_id");

-- CreateIndex
CREATE INDEX "lobby_members_lobby_id_joined_at_idx" ON "lobby_members"("lobby_id", "joined_at");

-- CreateIndex
CREATE INDEX "parties_game_id_idx" ON "parties"("game_id");

-- CreateIndex
CREATE INDEX "party_members_party_id_joined_at_idx" ON "party_members"("party_id", "joined_at");

-- CreateIndex
CREATE INDEX "party_invites_game_id_player_id_idx" ON "party_invites"("game_id", "player_id");

-- AddForeignKey
ALTER TABLE "match_seats" ADD CONSTRAINT "match_seats_match_id_fkey" FOREIGN KEY ("match_id") REFERENCES "matches"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lobby_members" ADD CONSTRAINT "lobby_members_lobby_id_fkey" FOREIGN KEY ("lobby_id") REFERENCES "lobbies"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "party_members" ADD CONSTRAINT "party_members_party_id_fkey" FOREIGN KEY ("party_id") REFERENCES "parties"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "party_invites" ADD CONSTRAINT "party_invites_party_id_fkey" FOREIGN KEY ("party_id") REFERENCES "parties"("id") ON DELETE CASCADE ON UPDATE CASCADE;
