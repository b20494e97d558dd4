-- (The Postgres driver adapter runs a migration split at every semicolon: none may appear in a
-- comment or inside a function body below.)
--
-- Rollup averages are weighed by how many samples had each value, not by all samples of the
-- bucket: a source may leave a value out, and an interface that appears mid-hour must not
-- have its first value count for the whole hour. Rows without counts (older ones) fall back
-- to their sample count.

-- AlterTable
ALTER TABLE "MetricRollup1h" ADD COLUMN     "seriesCounts" JSONB,
ADD COLUMN     "valueCounts" JSONB;

-- AlterTable
ALTER TABLE "MetricRollup1m" ADD COLUMN     "seriesCounts" JSONB,
ADD COLUMN     "valueCounts" JSONB;

-- Reads of raw samples are always one server's range (the primary key), and retention drops
-- whole day partitions: an index on "at" alone would only cost every write.
DROP INDEX "MetricSample_at_idx";

DROP FUNCTION pharos_series_merge(jsonb, double precision, jsonb, double precision);

-- The per-entity averages `acc` ({"metric": {"entity": average}}), of `counts` samples each,
-- with one more sample `add` folded in. An entity new in `add` starts at its value.
CREATE FUNCTION pharos_series_merge(acc jsonb, counts jsonb, add jsonb)
RETURNS jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN add IS NULL THEN acc
    WHEN acc IS NULL THEN add
    ELSE (
      SELECT coalesce(jsonb_object_agg(metric, entities), '{}'::jsonb)
      FROM (
        SELECT coalesce(ma.key, mb.key) AS metric,
               coalesce((
                 SELECT jsonb_object_agg(coalesce(ea.key, eb.key),
                          CASE WHEN ea.value IS NULL THEN eb.value
                               WHEN eb.value IS NULL THEN ea.value
                               ELSE to_jsonb((ea.value::double precision * n.weight + eb.value::double precision) / (n.weight + 1)) END)
                   FROM jsonb_each(coalesce(ma.value, '{}'::jsonb)) AS ea
                   FULL JOIN jsonb_each(coalesce(mb.value, '{}'::jsonb)) AS eb ON ea.key = eb.key
                   CROSS JOIN LATERAL (SELECT coalesce((counts -> ma.key ->> ea.key)::double precision, 1) AS weight) AS n
               ), '{}'::jsonb) AS entities
          FROM jsonb_each(acc) AS ma
          FULL JOIN jsonb_each(add) AS mb ON ma.key = mb.key
      ) AS merged
    ) END
$$;

-- Per-entity sample counts ({"metric": {"entity": n}}) with one more sample `add` counted.
CREATE FUNCTION pharos_series_count(counts jsonb, add jsonb)
RETURNS jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN add IS NULL THEN counts
    ELSE (
      SELECT coalesce(jsonb_object_agg(metric, entities), '{}'::jsonb)
      FROM (
        SELECT coalesce(mc.key, ma.key) AS metric,
               coalesce((
                 SELECT jsonb_object_agg(coalesce(ec.key, ea.key), coalesce(ec.value::integer, 0) + (ea.key IS NOT NULL)::integer)
                   FROM jsonb_each(coalesce(mc.value, '{}'::jsonb)) AS ec
                   FULL JOIN jsonb_each(coalesce(ma.value, '{}'::jsonb)) AS ea ON ec.key = ea.key
               ), '{}'::jsonb) AS entities
          FROM jsonb_each(coalesce(counts, '{}'::jsonb)) AS mc
          FULL JOIN jsonb_each(add) AS ma ON mc.key = ma.key
      ) AS merged
    ) END
$$;
