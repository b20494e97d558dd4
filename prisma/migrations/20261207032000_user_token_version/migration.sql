-- Access tokens carry the user's token version: bumping it revokes every token issued before.
ALTER TABLE "User" ADD COLUMN "tokenVersion" INTEGER NOT NULL DEFAULT 0;
