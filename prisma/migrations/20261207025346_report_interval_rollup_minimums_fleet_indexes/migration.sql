-- DropIndex
DROP INDEX "Server_status_idx";

-- AlterTable
ALTER TABLE "MetricRollup1h" ADD COLUMN     "cpuPercentMin" DOUBLE PRECISION,
ADD COLUMN     "memoryPercentMin" DOUBLE PRECISION;

-- AlterTable
ALTER TABLE "MetricRollup1m" ADD COLUMN     "cpuPercentMin" DOUBLE PRECISION,
ADD COLUMN     "memoryPercentMin" DOUBLE PRECISION;

-- AlterTable
ALTER TABLE "Server" ADD COLUMN     "reportIntervalSeconds" INTEGER;

-- CreateIndex
CREATE INDEX "Server_status_name_id_idx" ON "Server"("status", "name", "id");

-- CreateIndex
CREATE INDEX "Server_name_id_idx" ON "Server"("name", "id");

-- Nodes that already sent their Static: their interval, as storing the next Static would set it.
UPDATE "Server" AS s SET "reportIntervalSeconds" = n."reportIntervalSeconds"
  FROM "NodeStatic" AS n WHERE n."serverId" = s."id";

-- Rollup rows written before this keep no minimum: charts read their average as both ends of the band.
