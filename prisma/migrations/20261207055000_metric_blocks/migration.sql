-- (The Postgres driver adapter runs a migration split at every semicolon: none may appear in a comment.)
--
-- Compacted raw samples: one row per server and minute (apps/server/src/fleet/metrics/blocks/).

-- CreateTable
CREATE TABLE "MetricBlock" (
    "serverId" UUID NOT NULL,
    "minute" TIMESTAMPTZ(3) NOT NULL,
    "samples" INTEGER NOT NULL,
    "version" SMALLINT NOT NULL,
    "data" BYTEA NOT NULL,

    CONSTRAINT "MetricBlock_pkey" PRIMARY KEY ("serverId","minute")
);

-- CreateIndex
CREATE INDEX "MetricBlock_minute_idx" ON "MetricBlock"("minute");

-- AddForeignKey
ALTER TABLE "MetricBlock" ADD CONSTRAINT "MetricBlock_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "Server"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- A block is compressed already: kept in its row (out of line only if a row outgrows a page), not compressed again.
ALTER TABLE "MetricBlock" ALTER COLUMN "data" SET STORAGE MAIN;
