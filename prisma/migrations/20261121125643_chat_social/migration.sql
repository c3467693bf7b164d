-- CreateEnum
CREATE TYPE "friend_state" AS ENUM ('friend', 'invite_sent', 'invite_received', 'blocked');

-- CreateTable
CREATE TABLE "chat_messages" (
    "id" BIGSERIAL NOT NULL,
    "game_id" UUID NOT NULL,
    "channel" TEXT NOT NULL,
    "sender_id" TEXT,
    "kind" TEXT NOT NULL DEFAULT 'chat',
    "content" TEXT NOT NULL,
    "data" JSONB,
    "edited_at" TIMESTAMPTZ(3),
    "deleted_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "chat_messages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "chat_mutes" (
    "game_id" UUID NOT NULL,
    "player_id" TEXT NOT NULL,
    "until" TIMESTAMPTZ(3),
    "reason" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "chat_mutes_pkey" PRIMARY KEY ("game_id","player_id")
);

-- CreateTable
CREATE TABLE "friendships" (
    "game_id" UUID NOT NULL,
    "player_id" TEXT NOT NULL,
    "other_id" TEXT NOT NULL,
    "state" "friend_state" NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "friendships_pkey" PRIMARY KEY ("game_id","player_id","other_id")
);

-- CreateTable
CREATE TABLE "notifications" (
    "id" UUID NOT NULL,
    "game_id" UUID NOT NULL,
    "player_id" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "content" JSONB NOT NULL,
    "code" INTEGER NOT NULL,
    "sender_id" TEXT,
    "read_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notifications_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "chat_messages_game_id_channel_id_idx" ON "chat_messages"("game_id", "channel", "id");

-- CreateIndex
CREATE INDEX "friendships_game_id_other_id_idx" ON "friendships"("game_id", "other_id");

-- CreateIndex
CREATE INDEX "notifications_game_id_player_id_created_at_idx" ON "notifications"("game_id", "player_id", "created_at");
