-- AlterTable
ALTER TABLE "lobbies" ALTER COLUMN "leader_id" DROP NOT NULL;

-- Server-hosted lobbies were stored with an empty leader id before the column allowed null.
UPDATE "lobbies" SET "leader_id" = NULL WHERE "leader_id" = '';
