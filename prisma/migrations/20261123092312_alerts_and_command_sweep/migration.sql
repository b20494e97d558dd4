-- CreateEnum
CREATE TYPE "AlertSeverity" AS ENUM ('warning', 'critical');

-- AlterTable
ALTER TABLE "AlertRule" ADD COLUMN     "createdById" UUID,
ADD COLUMN     "severity" "AlertSeverity" NOT NULL DEFAULT 'warning',
ADD COLUMN     "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateTable
CREATE TABLE "AlertIncident" (
    "id" UUID NOT NULL,
    "ruleId" UUID,
    "serverId" UUID NOT NULL,
    "ruleName" TEXT NOT NULL,
    "severity" "AlertSeverity" NOT NULL,
    "metric" TEXT NOT NULL,
    "op" TEXT NOT NULL,
    "threshold" DOUBLE PRECISION NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "firedAt" TIMESTAMPTZ(3) NOT NULL,
    "resolvedAt" TIMESTAMPTZ(3),
    "resolvedValue" DOUBLE PRECISION,

    CONSTRAINT "AlertIncident_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AlertIncident_serverId_firedAt_idx" ON "AlertIncident"("serverId", "firedAt");

-- CreateIndex
CREATE INDEX "AlertIncident_resolvedAt_idx" ON "AlertIncident"("resolvedAt");

-- CreateIndex
CREATE INDEX "Command_state_expiresAt_idx" ON "Command"("state", "expiresAt");

-- AddForeignKey
ALTER TABLE "AlertIncident" ADD CONSTRAINT "AlertIncident_ruleId_fkey" FOREIGN KEY ("ruleId") REFERENCES "AlertRule"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AlertIncident" ADD CONSTRAINT "AlertIncident_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "Server"("id") ON DELETE CASCADE ON UPDATE CASCADE;
