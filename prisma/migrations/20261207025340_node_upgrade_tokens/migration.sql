-- CreateTable
CREATE TABLE "NodeUpgradeToken" (
    "id" UUID NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "serverId" UUID NOT NULL,
    "releaseId" UUID NOT NULL,
    "path" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "usedAt" TIMESTAMPTZ(3),

    CONSTRAINT "NodeUpgradeToken_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "NodeUpgradeToken_tokenHash_key" ON "NodeUpgradeToken"("tokenHash");

-- CreateIndex
CREATE INDEX "NodeUpgradeToken_serverId_releaseId_idx" ON "NodeUpgradeToken"("serverId", "releaseId");

-- CreateIndex
CREATE INDEX "NodeUpgradeToken_expiresAt_idx" ON "NodeUpgradeToken"("expiresAt");

-- AddForeignKey
ALTER TABLE "NodeUpgradeToken" ADD CONSTRAINT "NodeUpgradeToken_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "Server"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "NodeUpgradeToken" ADD CONSTRAINT "NodeUpgradeToken_releaseId_fkey" FOREIGN KEY ("releaseId") REFERENCES "NodeRelease"("id") ON DELETE CASCADE ON UPDATE CASCADE;
