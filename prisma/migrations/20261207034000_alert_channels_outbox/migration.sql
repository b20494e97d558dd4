-- AlterTable
ALTER TABLE "AlertIncident" ADD COLUMN     "detail" TEXT,
ADD COLUMN     "lastNotifiedAt" TIMESTAMPTZ(3),
ADD COLUMN     "notified" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "subject" TEXT NOT NULL DEFAULT '';

-- AlterTable
ALTER TABLE "AlertRule" ADD COLUMN     "channelIds" UUID[] DEFAULT ARRAY[]::UUID[],
ADD COLUMN     "cooldownSeconds" INTEGER NOT NULL DEFAULT 300,
ADD COLUMN     "kind" TEXT NOT NULL DEFAULT 'threshold',
ADD COLUMN     "notifyResolved" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "repeatSeconds" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "tag" TEXT;

-- CreateTable
CREATE TABLE "AlertChannel" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "sealedUrl" TEXT NOT NULL,
    "sealedSecret" TEXT,
    "redactedUrl" TEXT NOT NULL,
    "isDefault" BOOLEAN NOT NULL DEFAULT true,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "lastDeliveryAt" TIMESTAMPTZ(3),
    "lastDeliveryOk" BOOLEAN,
    "lastDeliveryError" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AlertChannel_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AlertSilence" (
    "id" UUID NOT NULL,
    "serverId" UUID,
    "group" TEXT,
    "ruleId" UUID,
    "until" TIMESTAMPTZ(3) NOT NULL,
    "reason" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdById" UUID,

    CONSTRAINT "AlertSilence_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AlertNotification" (
    "id" UUID NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "channelId" UUID NOT NULL,
    "event" TEXT NOT NULL,
    "incidentId" UUID,
    "ruleId" UUID,
    "serverId" UUID,
    "payload" JSONB NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "leaseUntil" TIMESTAMPTZ(3),
    "leasedBy" TEXT,
    "giveUpAt" TIMESTAMPTZ(3) NOT NULL,
    "lastError" TEXT,
    "sentAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AlertNotification_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AlertDeliveryAttempt" (
    "id" BIGSERIAL NOT NULL,
    "notificationId" UUID NOT NULL,
    "channelId" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ok" BOOLEAN NOT NULL,
    "statusCode" INTEGER,
    "error" TEXT,

    CONSTRAINT "AlertDeliveryAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AlertSilence_until_idx" ON "AlertSilence"("until");

-- CreateIndex
CREATE UNIQUE INDEX "AlertNotification_idempotencyKey_key" ON "AlertNotification"("idempotencyKey");

-- CreateIndex
CREATE INDEX "AlertNotification_state_nextAttemptAt_idx" ON "AlertNotification"("state", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "AlertNotification_createdAt_idx" ON "AlertNotification"("createdAt");

-- CreateIndex
CREATE INDEX "AlertDeliveryAttempt_notificationId_idx" ON "AlertDeliveryAttempt"("notificationId");

-- CreateIndex
CREATE INDEX "AlertDeliveryAttempt_at_idx" ON "AlertDeliveryAttempt"("at");

-- AddForeignKey
ALTER TABLE "AlertNotification" ADD CONSTRAINT "AlertNotification_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "AlertChannel"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AlertDeliveryAttempt" ADD CONSTRAINT "AlertDeliveryAttempt_notificationId_fkey" FOREIGN KEY ("notificationId") REFERENCES "AlertNotification"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- One open incident per rule, server and subject, whichever Pharos instance opens it.
CREATE UNIQUE INDEX "AlertIncident_open_key" ON "AlertIncident"("ruleId", "serverId", "subject") WHERE "resolvedAt" IS NULL;

-- The built-in rules, on by default (command failed is opt-in), each editable and disableable.
INSERT INTO "AlertRule" ("id", "kind", "name", "metric", "op", "threshold", "forSeconds", "severity", "enabled", "cooldownSeconds") VALUES
  (gen_random_uuid(), 'server_offline',   'Server offline',              'presence',          'gt', 0,  0, 'critical', true,  300),
  (gen_random_uuid(), 'daemon_offline',   'Lightd daemon offline',       'presence',          'gt', 0,  0, 'critical', true,  300),
  (gen_random_uuid(), 'container_failed', 'Container failed',            'container_status',  'gt', 0,  0, 'warning',  true,  300),
  (gen_random_uuid(), 'raid_degraded',    'RAID degraded or failed',     'raid_health',       'gt', 0,  0, 'critical', true,  300),
  (gen_random_uuid(), 'smart_failed',     'SMART failed / NVMe warning', 'smart_health',      'gt', 0,  0, 'critical', true,  300),
  (gen_random_uuid(), 'disk_full',        'Disk above 90 %',             'filesystem_percent','gt', 90, 0, 'warning',  true,  300),
  (gen_random_uuid(), 'command_failed',   'Command failed',              'command_exit_code', 'gt', 0,  0, 'warning',  false, 0);
