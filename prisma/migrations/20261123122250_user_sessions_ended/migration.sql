-- AlterTable
ALTER TABLE "User" ADD COLUMN     "sessionsEndedAt" TIMESTAMPTZ(3);
