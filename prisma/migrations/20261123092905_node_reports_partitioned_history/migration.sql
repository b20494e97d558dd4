-- (The Postgres driver adapter runs a migration split at every semicolon: none may appear in a
-- comment or inside the function body below.)
--
-- Ithiltir nodes: the latest report's headline values, release targets by version, offers
-- remember the version they started from, and metric history is partitioned by day.

-- AlterTable: rows written before this migration get an empty summary until the next report.
ALTER TABLE "NodeSnapshot" ADD COLUMN     "summary" JSONB NOT NULL DEFAULT '{}';
ALTER TABLE "NodeSnapshot" ALTER COLUMN "summary" DROP DEFAULT;

-- AlterTable
ALTER TABLE "ReleaseOffer" ADD COLUMN     "fromVersion" TEXT;

-- AlterTable: a target now names a version (each node gets its own os/arch build of it).
ALTER TABLE "ReleaseTarget" ADD COLUMN     "version" TEXT;
UPDATE "ReleaseTarget" AS t SET "version" = r."version" FROM "NodeRelease" AS r WHERE r."id" = t."releaseId";
ALTER TABLE "ReleaseTarget" ALTER COLUMN "version" SET NOT NULL;
ALTER TABLE "ReleaseTarget" DROP CONSTRAINT "ReleaseTarget_releaseId_fkey";
DROP INDEX "ReleaseTarget_releaseId_idx";
ALTER TABLE "ReleaseTarget" DROP COLUMN "releaseId";

-- CreateIndex
CREATE INDEX "ReleaseTarget_version_idx" ON "ReleaseTarget"("version");

-- MetricSample, partitioned by range of "at" (one partition per UTC day, made and dropped by
-- Pharos's metric retention). Names of the table, key, index and foreign key stay as Prisma
-- knows them, and rows outside every day partition go to the default partition.
ALTER TABLE "MetricSample" RENAME TO "MetricSample_unpartitioned";
ALTER TABLE "MetricSample_unpartitioned" RENAME CONSTRAINT "MetricSample_pkey" TO "MetricSample_unpartitioned_pkey";
ALTER TABLE "MetricSample_unpartitioned" DROP CONSTRAINT "MetricSample_serverId_fkey";
DROP INDEX "MetricSample_at_idx";
CREATE TABLE "MetricSample" (LIKE "MetricSample_unpartitioned" INCLUDING DEFAULTS) PARTITION BY RANGE ("at");
ALTER TABLE "MetricSample" ADD CONSTRAINT "MetricSample_pkey" PRIMARY KEY ("serverId", "at");
CREATE INDEX "MetricSample_at_idx" ON "MetricSample"("at");
ALTER TABLE "MetricSample" ADD CONSTRAINT "MetricSample_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "Server"("id") ON DELETE CASCADE ON UPDATE CASCADE;
CREATE TABLE "MetricSample_default" PARTITION OF "MetricSample" DEFAULT;
INSERT INTO "MetricSample" SELECT * FROM "MetricSample_unpartitioned";
DROP TABLE "MetricSample_unpartitioned";

-- Weighted merge of two per-entity series objects ({"metric": {"entity": value}}): a value on
-- both sides becomes (a·a_weight + b·b_weight) / (a_weight + b_weight), one on one side only is
-- kept. The rollups keep their per-entity averages up to date with it, one sample at a time.
CREATE FUNCTION pharos_series_merge(a jsonb, a_weight double precision, b jsonb, b_weight double precision)
RETURNS jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN b IS NULL THEN a
    WHEN a IS NULL THEN b
    ELSE (
      SELECT coalesce(jsonb_object_agg(metric, entities), '{}'::jsonb)
      FROM (
        SELECT coalesce(ma.key, mb.key) AS metric,
               coalesce((
                 SELECT jsonb_object_agg(coalesce(ea.key, eb.key),
                          CASE WHEN ea.value IS NULL THEN eb.value
                               WHEN eb.value IS NULL THEN ea.value
                               ELSE to_jsonb((ea.value::double precision * a_weight + eb.value::double precision * b_weight)
                                             / (a_weight + b_weight)) END)
                   FROM jsonb_each(coalesce(ma.value, '{}'::jsonb)) AS ea
                   FULL JOIN jsonb_each(coalesce(mb.value, '{}'::jsonb)) AS eb ON ea.key = eb.key
               ), '{}'::jsonb) AS entities
          FROM jsonb_each(a) AS ma
          FULL JOIN jsonb_each(b) AS mb ON ma.key = mb.key
      ) AS merged
    ) END
$$;
