-- AlterTable
ALTER TABLE "LightdContainer" ADD COLUMN     "lastErrorAt" TIMESTAMPTZ(3),
ADD COLUMN     "statusChangedAt" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "LightdDaemon" ADD COLUMN     "lastSeenAt" TIMESTAMPTZ(3),
ADD COLUMN     "remoteTokenIssuedAt" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "LightdDaemon_status_lastSeenAt_idx" ON "LightdDaemon"("status", "lastSeenAt");
