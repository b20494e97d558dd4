-- CreateEnum
CREATE TYPE "UserRole" AS ENUM ('admin', 'viewer');

-- CreateEnum
CREATE TYPE "ServerSource" AS ENUM ('agent', 'ithiltir');

-- CreateEnum
CREATE TYPE "ServerStatus" AS ENUM ('unknown', 'online', 'offline');

-- CreateEnum
CREATE TYPE "EventLevel" AS ENUM ('DEBUG', 'INFO', 'WARN', 'ERROR');

-- CreateEnum
CREATE TYPE "EventSubject" AS ENUM ('server', 'lightd_daemon', 'lightd_container');

-- CreateEnum
CREATE TYPE "CommandKind" AS ENUM ('shell', 'docker');

-- CreateEnum
CREATE TYPE "CommandState" AS ENUM ('pending', 'sent', 'completed', 'failed', 'timed_out');

-- CreateEnum
CREATE TYPE "ReleaseTargetScope" AS ENUM ('all', 'group', 'server');

-- CreateEnum
CREATE TYPE "DaemonStatus" AS ENUM ('unknown', 'online', 'offline');

-- CreateEnum
CREATE TYPE "ContainerStatus" AS ENUM ('installing', 'ready', 'failed');

-- CreateTable
CREATE TABLE "User" (
    "id" UUID NOT NULL,
    "username" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "role" "UserRole" NOT NULL DEFAULT 'admin',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "passwordChangedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "disabledAt" TIMESTAMPTZ(3),

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RefreshToken" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "familyId" UUID NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "usedAt" TIMESTAMPTZ(3),
    "revokedAt" TIMESTAMPTZ(3),
    "userAgent" TEXT,

    CONSTRAINT "RefreshToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEntry" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorId" UUID,
    "actorName" TEXT,
    "action" TEXT NOT NULL,
    "targetType" TEXT,
    "targetId" TEXT,
    "data" JSONB,
    "ip" TEXT,

    CONSTRAINT "AuditEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Server" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "source" "ServerSource" NOT NULL,
    "group" TEXT,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "status" "ServerStatus" NOT NULL DEFAULT 'unknown',
    "statusChangedAt" TIMESTAMPTZ(3),
    "lastSeenAt" TIMESTAMPTZ(3),
    "hostname" TEXT,
    "agentVersion" TEXT,
    "commandsEnabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "deletedAt" TIMESTAMPTZ(3),

    CONSTRAINT "Server_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EventLogEntry" (
    "id" BIGSERIAL NOT NULL,
    "subjectType" "EventSubject" NOT NULL,
    "subjectId" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "level" "EventLevel" NOT NULL DEFAULT 'INFO',
    "kind" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "data" JSONB,

    CONSTRAINT "EventLogEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AgentApiKey" (
    "id" UUID NOT NULL,
    "serverId" UUID NOT NULL,
    "prefix" TEXT NOT NULL,
    "keyHash" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdById" UUID,
    "lastUsedAt" TIMESTAMPTZ(3),
    "revokedAt" TIMESTAMPTZ(3),

    CONSTRAINT "AgentApiKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Command" (
    "id" UUID NOT NULL,
    "serverId" UUID NOT NULL,
    "kind" "CommandKind" NOT NULL,
    "command" TEXT NOT NULL,
    "containerId" TEXT,
    "state" "CommandState" NOT NULL DEFAULT 'pending',
    "requestedBy" UUID,
    "requestedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "sentAt" TIMESTAMPTZ(3),
    "completedAt" TIMESTAMPTZ(3),
    "output" TEXT,
    "exitCode" INTEGER,
    "durationMs" INTEGER,
    "success" BOOLEAN,
    "message" TEXT,

    CONSTRAINT "Command_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "NodeSecret" (
    "id" UUID NOT NULL,
    "serverId" UUID NOT NULL,
    "prefix" TEXT NOT NULL,
    "secretHash" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdById" UUID,
    "lastUsedAt" TIMESTAMPTZ(3),
    "revokedAt" TIMESTAMPTZ(3),

    CONSTRAINT "NodeSecret_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "NodeStatic" (
    "serverId" UUID NOT NULL,
    "reportedAt" TIMESTAMPTZ(3) NOT NULL,
    "receivedAt" TIMESTAMPTZ(3) NOT NULL,
    "nodeVersion" TEXT NOT NULL,
    "reportIntervalSeconds" INTEGER NOT NULL,
    "os" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "platformVersion" TEXT NOT NULL,
    "kernelVersion" TEXT NOT NULL,
    "arch" TEXT NOT NULL,
    "hostname" TEXT NOT NULL,
    "cpuModel" TEXT NOT NULL,
    "coresLogical" INTEGER NOT NULL,
    "memoryTotal" BIGINT NOT NULL,
    "swapTotal" BIGINT NOT NULL,
    "payload" JSONB NOT NULL,

    CONSTRAINT "NodeStatic_pkey" PRIMARY KEY ("serverId")
);

-- CreateTable
CREATE TABLE "NodeSnapshot" (
    "serverId" UUID NOT NULL,
    "reportedAt" TIMESTAMPTZ(3) NOT NULL,
    "receivedAt" TIMESTAMPTZ(3) NOT NULL,
    "payload" JSONB NOT NULL,

    CONSTRAINT "NodeSnapshot_pkey" PRIMARY KEY ("serverId")
);

-- CreateTable
CREATE TABLE "Installation" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "installId" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Installation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MetricSample" (
    "serverId" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "cpuPercent" DOUBLE PRECISION,
    "load1" DOUBLE PRECISION,
    "load5" DOUBLE PRECISION,
    "load15" DOUBLE PRECISION,
    "memoryPercent" DOUBLE PRECISION,
    "swapPercent" DOUBLE PRECISION,
    "diskPercent" DOUBLE PRECISION,
    "netRxBytesPerS" DOUBLE PRECISION,
    "netTxBytesPerS" DOUBLE PRECISION,
    "diskReadBytesPerS" DOUBLE PRECISION,
    "diskWriteBytesPerS" DOUBLE PRECISION,
    "tcpCount" INTEGER,
    "udpCount" INTEGER,
    "processCount" INTEGER,
    "maxTempC" DOUBLE PRECISION,
    "series" JSONB,

    CONSTRAINT "MetricSample_pkey" PRIMARY KEY ("serverId","at")
);

-- CreateTable
CREATE TABLE "MetricRollup1m" (
    "serverId" UUID NOT NULL,
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "samples" INTEGER NOT NULL,
    "cpuPercent" DOUBLE PRECISION,
    "cpuPercentMax" DOUBLE PRECISION,
    "load1" DOUBLE PRECISION,
    "memoryPercent" DOUBLE PRECISION,
    "memoryPercentMax" DOUBLE PRECISION,
    "swapPercent" DOUBLE PRECISION,
    "diskPercent" DOUBLE PRECISION,
    "netRxBytesPerS" DOUBLE PRECISION,
    "netTxBytesPerS" DOUBLE PRECISION,
    "diskReadBytesPerS" DOUBLE PRECISION,
    "diskWriteBytesPerS" DOUBLE PRECISION,
    "tcpCount" DOUBLE PRECISION,
    "udpCount" DOUBLE PRECISION,
    "processCount" DOUBLE PRECISION,
    "maxTempC" DOUBLE PRECISION,
    "series" JSONB,

    CONSTRAINT "MetricRollup1m_pkey" PRIMARY KEY ("serverId","bucket")
);

-- CreateTable
CREATE TABLE "MetricRollup1h" (
    "serverId" UUID NOT NULL,
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "samples" INTEGER NOT NULL,
    "cpuPercent" DOUBLE PRECISION,
    "cpuPercentMax" DOUBLE PRECISION,
    "load1" DOUBLE PRECISION,
    "memoryPercent" DOUBLE PRECISION,
    "memoryPercentMax" DOUBLE PRECISION,
    "swapPercent" DOUBLE PRECISION,
    "diskPercent" DOUBLE PRECISION,
    "netRxBytesPerS" DOUBLE PRECISION,
    "netTxBytesPerS" DOUBLE PRECISION,
    "diskReadBytesPerS" DOUBLE PRECISION,
    "diskWriteBytesPerS" DOUBLE PRECISION,
    "tcpCount" DOUBLE PRECISION,
    "udpCount" DOUBLE PRECISION,
    "processCount" DOUBLE PRECISION,
    "maxTempC" DOUBLE PRECISION,
    "series" JSONB,

    CONSTRAINT "MetricRollup1h_pkey" PRIMARY KEY ("serverId","bucket")
);

-- CreateTable
CREATE TABLE "NodeRelease" (
    "id" UUID NOT NULL,
    "version" TEXT NOT NULL,
    "os" TEXT NOT NULL,
    "arch" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "uploadedBy" UUID,

    CONSTRAINT "NodeRelease_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReleaseTarget" (
    "id" UUID NOT NULL,
    "releaseId" UUID NOT NULL,
    "scope" "ReleaseTargetScope" NOT NULL,
    "group" TEXT,
    "serverId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" UUID,

    CONSTRAINT "ReleaseTarget_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReleaseOffer" (
    "releaseId" UUID NOT NULL,
    "serverId" UUID NOT NULL,
    "firstOfferedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastOfferedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "timesOffered" INTEGER NOT NULL DEFAULT 1,
    "adoptedAt" TIMESTAMPTZ(3),

    CONSTRAINT "ReleaseOffer_pkey" PRIMARY KEY ("releaseId","serverId")
);

-- CreateTable
CREATE TABLE "LightdDaemon" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "apiUrl" TEXT NOT NULL,
    "apiTokenSealed" TEXT,
    "remoteTokenHash" TEXT,
    "remoteTokenPrefix" TEXT,
    "status" "DaemonStatus" NOT NULL DEFAULT 'unknown',
    "statusChangedAt" TIMESTAMPTZ(3),
    "lastHealthAt" TIMESTAMPTZ(3),
    "lastUpdateAt" TIMESTAMPTZ(3),
    "remoteConfig" JSONB,
    "remoteConfigAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "LightdDaemon_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LightdContainer" (
    "id" UUID NOT NULL,
    "daemonId" UUID NOT NULL,
    "internalId" TEXT NOT NULL,
    "status" "ContainerStatus",
    "lastError" TEXT,
    "lastErrorData" TEXT,
    "firstSeenAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LightdContainer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LightdUpdate" (
    "id" BIGSERIAL NOT NULL,
    "daemonId" UUID NOT NULL,
    "containerId" UUID,
    "receivedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "event" TEXT NOT NULL,
    "status" "ContainerStatus",
    "error" TEXT,
    "data" TEXT,
    "body" JSONB NOT NULL,

    CONSTRAINT "LightdUpdate_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AlertRule" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "metric" TEXT NOT NULL,
    "op" TEXT NOT NULL,
    "threshold" DOUBLE PRECISION NOT NULL,
    "forSeconds" INTEGER NOT NULL DEFAULT 0,
    "serverId" UUID,
    "group" TEXT,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AlertRule_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_username_key" ON "User"("username");

-- CreateIndex
CREATE UNIQUE INDEX "RefreshToken_tokenHash_key" ON "RefreshToken"("tokenHash");

-- CreateIndex
CREATE INDEX "RefreshToken_userId_idx" ON "RefreshToken"("userId");

-- CreateIndex
CREATE INDEX "RefreshToken_familyId_idx" ON "RefreshToken"("familyId");

-- CreateIndex
CREATE INDEX "AuditEntry_at_idx" ON "AuditEntry"("at");

-- CreateIndex
CREATE INDEX "AuditEntry_targetType_targetId_at_idx" ON "AuditEntry"("targetType", "targetId", "at");

-- CreateIndex
CREATE INDEX "AuditEntry_actorId_at_idx" ON "AuditEntry"("actorId", "at");

-- CreateIndex
CREATE INDEX "Server_status_idx" ON "Server"("status");

-- CreateIndex
CREATE INDEX "Server_group_idx" ON "Server"("group");

-- CreateIndex
CREATE INDEX "Server_source_idx" ON "Server"("source");

-- CreateIndex
CREATE INDEX "EventLogEntry_subjectId_id_idx" ON "EventLogEntry"("subjectId", "id");

-- CreateIndex
CREATE INDEX "EventLogEntry_subjectType_at_idx" ON "EventLogEntry"("subjectType", "at");

-- CreateIndex
CREATE UNIQUE INDEX "AgentApiKey_keyHash_key" ON "AgentApiKey"("keyHash");

-- CreateIndex
CREATE INDEX "AgentApiKey_serverId_idx" ON "AgentApiKey"("serverId");

-- CreateIndex
CREATE INDEX "Command_serverId_state_idx" ON "Command"("serverId", "state");

-- CreateIndex
CREATE INDEX "Command_serverId_requestedAt_idx" ON "Command"("serverId", "requestedAt");

-- CreateIndex
CREATE UNIQUE INDEX "NodeSecret_secretHash_key" ON "NodeSecret"("secretHash");

-- CreateIndex
CREATE INDEX "NodeSecret_serverId_idx" ON "NodeSecret"("serverId");

-- CreateIndex
CREATE UNIQUE INDEX "Installation_installId_key" ON "Installation"("installId");

-- CreateIndex
CREATE INDEX "MetricSample_at_idx" ON "MetricSample"("at");

-- CreateIndex
CREATE INDEX "MetricRollup1m_bucket_idx" ON "MetricRollup1m"("bucket");

-- CreateIndex
CREATE INDEX "MetricRollup1h_bucket_idx" ON "MetricRollup1h"("bucket");

-- CreateIndex
CREATE UNIQUE INDEX "NodeRelease_version_os_arch_key" ON "NodeRelease"("version", "os", "arch");

-- CreateIndex
CREATE UNIQUE INDEX "NodeRelease_os_fileName_key" ON "NodeRelease"("os", "fileName");

-- CreateIndex
CREATE INDEX "ReleaseTarget_releaseId_idx" ON "ReleaseTarget"("releaseId");

-- CreateIndex
CREATE INDEX "ReleaseTarget_serverId_idx" ON "ReleaseTarget"("serverId");

-- CreateIndex
CREATE UNIQUE INDEX "LightdDaemon_name_key" ON "LightdDaemon"("name");

-- CreateIndex
CREATE UNIQUE INDEX "LightdDaemon_remoteTokenHash_key" ON "LightdDaemon"("remoteTokenHash");

-- CreateIndex
CREATE INDEX "LightdContainer_daemonId_status_idx" ON "LightdContainer"("daemonId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "LightdContainer_daemonId_internalId_key" ON "LightdContainer"("daemonId", "internalId");

-- CreateIndex
CREATE INDEX "LightdUpdate_containerId_id_idx" ON "LightdUpdate"("containerId", "id");

-- CreateIndex
CREATE INDEX "LightdUpdate_daemonId_id_idx" ON "LightdUpdate"("daemonId", "id");

-- AddForeignKey
ALTER TABLE "RefreshToken" ADD CONSTRAINT "RefreshToken_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuditEntry" ADD CONSTRAINT "AuditEntry_actorId_fkey" FOREIGN KEY ("actorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AgentApiKey" ADD CONSTRAINT "AgentApiKey_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "Server"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Command" ADD CONSTRAINT "Command_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "Server"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Command" ADD CONSTRAINT "Command_requestedBy_fkey" FOREIGN KEY ("requestedBy") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "NodeSecret" ADD CONSTRAINT "NodeSecret_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "Server"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "NodeStatic" ADD CONSTRAINT "NodeStatic_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "Server"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "NodeSnapshot" ADD CONSTRAINT "NodeSnapshot_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "Server"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MetricSample" ADD CONSTRAINT "MetricSample_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "Server"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MetricRollup1m" ADD CONSTRAINT "MetricRollup1m_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "Server"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MetricRollup1h" ADD CONSTRAINT "MetricRollup1h_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "Server"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReleaseTarget" ADD CONSTRAINT "ReleaseTarget_releaseId_fkey" FOREIGN KEY ("releaseId") REFERENCES "NodeRelease"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReleaseTarget" ADD CONSTRAINT "ReleaseTarget_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "Server"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReleaseOffer" ADD CONSTRAINT "ReleaseOffer_releaseId_fkey" FOREIGN KEY ("releaseId") REFERENCES "NodeRelease"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReleaseOffer" ADD CONSTRAINT "ReleaseOffer_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "Server"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LightdContainer" ADD CONSTRAINT "LightdContainer_daemonId_fkey" FOREIGN KEY ("daemonId") REFERENCES "LightdDaemon"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LightdUpdate" ADD CONSTRAINT "LightdUpdate_daemonId_fkey" FOREIGN KEY ("daemonId") REFERENCES "LightdDaemon"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LightdUpdate" ADD CONSTRAINT "LightdUpdate_containerId_fkey" FOREIGN KEY ("containerId") REFERENCES "LightdContainer"("id") ON DELETE CASCADE ON UPDATE CASCADE;
