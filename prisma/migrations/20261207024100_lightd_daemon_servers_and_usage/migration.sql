-- AlterTable
ALTER TABLE "LightdContainer" ADD COLUMN     "usageAt" TIMESTAMPTZ(3),
ADD COLUMN     "usageCost" DOUBLE PRECISION,
ADD COLUMN     "usageCpuVcpus" DOUBLE PRECISION,
ADD COLUMN     "usageEgressGb" DOUBLE PRECISION,
ADD COLUMN     "usageMemoryGb" DOUBLE PRECISION,
ADD COLUMN     "usageReceivedAt" TIMESTAMPTZ(3),
ADD COLUMN     "usageStorageGb" DOUBLE PRECISION;

-- Every existing daemon becomes a server of the fleet (source lightd), under its name.
ALTER TABLE "LightdDaemon" ADD COLUMN     "serverId" UUID;
UPDATE "LightdDaemon" SET "serverId" = gen_random_uuid();
INSERT INTO "Server" ("id", "name", "source", "createdAt", "updatedAt")
SELECT d."serverId", d."name", 'lightd', d."createdAt", now() FROM "LightdDaemon" d;
ALTER TABLE "LightdDaemon" ALTER COLUMN "serverId" SET NOT NULL;

-- Each container's latest billing gauge, from the billing rows stored one each until now
-- (retention trims those rows: LIGHTD_UPDATE_RETENTION_DAYS).
UPDATE "LightdContainer" c
   SET "usageMemoryGb" = (b."body" ->> 'memory_gb')::double precision,
       "usageCpuVcpus" = (b."body" ->> 'cpu_vcpus')::double precision,
       "usageStorageGb" = (b."body" ->> 'storage_gb')::double precision,
       "usageEgressGb" = (b."body" ->> 'egress_gb')::double precision,
       "usageCost" = (b."body" ->> 'estimated_cost')::double precision,
       "usageAt" = to_timestamp((b."body" ->> 'timestamp')::double precision),
       "usageReceivedAt" = b."receivedAt"
  FROM (SELECT DISTINCT ON ("containerId") "containerId", "body", "receivedAt"
          FROM "LightdUpdate" WHERE "event" = 'billing' AND "containerId" IS NOT NULL
         ORDER BY "containerId", "id" DESC) b
 WHERE c."id" = b."containerId";

-- CreateIndex
CREATE INDEX "LightdContainer_daemonId_usageReceivedAt_idx" ON "LightdContainer"("daemonId", "usageReceivedAt");

-- CreateIndex
CREATE UNIQUE INDEX "LightdDaemon_serverId_key" ON "LightdDaemon"("serverId");

-- CreateIndex
CREATE INDEX "LightdUpdate_receivedAt_idx" ON "LightdUpdate"("receivedAt");

-- AddForeignKey
ALTER TABLE "LightdDaemon" ADD CONSTRAINT "LightdDaemon_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "Server"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
