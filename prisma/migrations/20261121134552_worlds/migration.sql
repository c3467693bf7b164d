-- CreateTable
CREATE TABLE "worlds" (
    "game_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "module" TEXT NOT NULL,
    "settings" JSONB NOT NULL,
    "running" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "stopped_at" TIMESTAMPTZ(3),

    CONSTRAINT "worlds_pkey" PRIMARY KEY ("game_id","name")
);

-- CreateTable
CREATE TABLE "world_player_states" (
    "game_id" UUID NOT NULL,
    "world" TEXT NOT NULL,
    "player_id" TEXT NOT NULL,
    "state" JSONB NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "world_player_states_pkey" PRIMARY KEY ("game_id","world","player_id")
);

-- CreateIndex
CREATE INDEX "worlds_game_id_running_idx" ON "worlds"("game_id", "running");
