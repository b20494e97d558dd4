-- rollup-hours-in-range: generated from apps/server/src/fleet/metrics/store (npm run sql:generate); do not edit.
WITH src AS MATERIALIZED (SELECT s.* FROM "MetricRollup1m" s WHERE s."bucket" >= $1::timestamptz AND s."bucket" < $2::timestamptz), base AS (
      SELECT s."serverId" AS sid, date_bin(interval '3600 seconds', s."bucket", timestamptz '1970-01-01T00:00:00Z') AS bucket, sum(s."samples")::int AS samples,
             sum(s."cpuPercent"::double precision * coalesce((s."valueCounts" ->> 'cpuPercent')::double precision, s."samples")) / nullif(sum(coalesce((s."valueCounts" ->> 'cpuPercent')::double precision, s."samples")) FILTER (WHERE s."cpuPercent" IS NOT NULL), 0) AS "cpuPercent",
             max(s."cpuPercentMax") AS "cpuPercentMax",
             sum(s."memoryPercent"::double precision * coalesce((s."valueCounts" ->> 'memoryPercent')::double precision, s."samples")) / nullif(sum(coalesce((s."valueCounts" ->> 'memoryPercent')::double precision, s."samples")) FILTER (WHERE s."memoryPercent" IS NOT NULL), 0) AS "memoryPercent",
             max(s."memoryPercentMax") AS "memoryPercentMax",
             sum(s."swapPercent"::double precision * coalesce((s."valueCounts" ->> 'swapPercent')::double precision, s."samples")) / nullif(sum(coalesce((s."valueCounts" ->> 'swapPercent')::double precision, s."samples")) FILTER (WHERE s."swapPercent" IS NOT NULL), 0) AS "swapPercent",
             sum(s."diskPercent"::double precision * coalesce((s."valueCounts" ->> 'diskPercent')::double precision, s."samples")) / nullif(sum(coalesce((s."valueCounts" ->> 'diskPercent')::double precision, s."samples")) FILTER (WHERE s."diskPercent" IS NOT NULL), 0) AS "diskPercent",
             sum(s."load1"::double precision * coalesce((s."valueCounts" ->> 'load1')::double precision, s."samples")) / nullif(sum(coalesce((s."valueCounts" ->> 'load1')::double precision, s."samples")) FILTER (WHERE s."load1" IS NOT NULL), 0) AS "load1",
             sum(s."netRxBytesPerS"::double precision * coalesce((s."valueCounts" ->> 'netRxBytesPerS')::double precision, s."samples")) / nullif(sum(coalesce((s."valueCounts" ->> 'netRxBytesPerS')::double precision, s."samples")) FILTER (WHERE s."netRxBytesPerS" IS NOT NULL), 0) AS "netRxBytesPerS",
             sum(s."netTxBytesPerS"::double precision * coalesce((s."valueCounts" ->> 'netTxBytesPerS')::double precision, s."samples")) / nullif(sum(coalesce((s."valueCounts" ->> 'netTxBytesPerS')::double precision, s."samples")) FILTER (WHERE s."netTxBytesPerS" IS NOT NULL), 0) AS "netTxBytesPerS",
             sum(s."diskReadBytesPerS"::double precision * coalesce((s."valueCounts" ->> 'diskReadBytesPerS')::double precision, s."samples")) / nullif(sum(coalesce((s."valueCounts" ->> 'diskReadBytesPerS')::double precision, s."samples")) FILTER (WHERE s."diskReadBytesPerS" IS NOT NULL), 0) AS "diskReadBytesPerS",
             sum(s."diskWriteBytesPerS"::double precision * coalesce((s."valueCounts" ->> 'diskWriteBytesPerS')::double precision, s."samples")) / nullif(sum(coalesce((s."valueCounts" ->> 'diskWriteBytesPerS')::double precision, s."samples")) FILTER (WHERE s."diskWriteBytesPerS" IS NOT NULL), 0) AS "diskWriteBytesPerS",
             sum(s."tcpCount"::double precision * coalesce((s."valueCounts" ->> 'tcpCount')::double precision, s."samples")) / nullif(sum(coalesce((s."valueCounts" ->> 'tcpCount')::double precision, s."samples")) FILTER (WHERE s."tcpCount" IS NOT NULL), 0) AS "tcpCount",
             sum(s."udpCount"::double precision * coalesce((s."valueCounts" ->> 'udpCount')::double precision, s."samples")) / nullif(sum(coalesce((s."valueCounts" ->> 'udpCount')::double precision, s."samples")) FILTER (WHERE s."udpCount" IS NOT NULL), 0) AS "udpCount",
             sum(s."processCount"::double precision * coalesce((s."valueCounts" ->> 'processCount')::double precision, s."samples")) / nullif(sum(coalesce((s."valueCounts" ->> 'processCount')::double precision, s."samples")) FILTER (WHERE s."processCount" IS NOT NULL), 0) AS "processCount",
             sum(s."maxTempC"::double precision * coalesce((s."valueCounts" ->> 'maxTempC')::double precision, s."samples")) / nullif(sum(coalesce((s."valueCounts" ->> 'maxTempC')::double precision, s."samples")) FILTER (WHERE s."maxTempC" IS NOT NULL), 0) AS "maxTempC",
             jsonb_build_object('cpuPercent', coalesce(sum(coalesce((s."valueCounts" ->> 'cpuPercent')::double precision, s."samples")) FILTER (WHERE s."cpuPercent" IS NOT NULL), 0)::int, 'memoryPercent', coalesce(sum(coalesce((s."valueCounts" ->> 'memoryPercent')::double precision, s."samples")) FILTER (WHERE s."memoryPercent" IS NOT NULL), 0)::int, 'swapPercent', coalesce(sum(coalesce((s."valueCounts" ->> 'swapPercent')::double precision, s."samples")) FILTER (WHERE s."swapPercent" IS NOT NULL), 0)::int, 'diskPercent', coalesce(sum(coalesce((s."valueCounts" ->> 'diskPercent')::double precision, s."samples")) FILTER (WHERE s."diskPercent" IS NOT NULL), 0)::int, 'load1', coalesce(sum(coalesce((s."valueCounts" ->> 'load1')::double precision, s."samples")) FILTER (WHERE s."load1" IS NOT NULL), 0)::int, 'netRxBytesPerS', coalesce(sum(coalesce((s."valueCounts" ->> 'netRxBytesPerS')::double precision, s."samples")) FILTER (WHERE s."netRxBytesPerS" IS NOT NULL), 0)::int, 'netTxBytesPerS', coalesce(sum(coalesce((s."valueCounts" ->> 'netTxBytesPerS')::double precision, s."samples")) FILTER (WHERE s."netTxBytesPerS" IS NOT NULL), 0)::int, 'diskReadBytesPerS', coalesce(sum(coalesce((s."valueCounts" ->> 'diskReadBytesPerS')::double precision, s."samples")) FILTER (WHERE s."diskReadBytesPerS" IS NOT NULL), 0)::int, 'diskWriteBytesPerS', coalesce(sum(coalesce((s."valueCounts" ->> 'diskWriteBytesPerS')::double precision, s."samples")) FILTER (WHERE s."diskWriteBytesPerS" IS NOT NULL), 0)::int, 'tcpCount', coalesce(sum(coalesce((s."valueCounts" ->> 'tcpCount')::double precision, s."samples")) FILTER (WHERE s."tcpCount" IS NOT NULL), 0)::int, 'udpCount', coalesce(sum(coalesce((s."valueCounts" ->> 'udpCount')::double precision, s."samples")) FILTER (WHERE s."udpCount" IS NOT NULL), 0)::int, 'processCount', coalesce(sum(coalesce((s."valueCounts" ->> 'processCount')::double precision, s."samples")) FILTER (WHERE s."processCount" IS NOT NULL), 0)::int, 'maxTempC', coalesce(sum(coalesce((s."valueCounts" ->> 'maxTempC')::double precision, s."samples")) FILTER (WHERE s."maxTempC" IS NOT NULL), 0)::int) AS "valueCounts"
        FROM src s GROUP BY 1, 2
    ), per_entity AS (
      SELECT s."serverId" AS sid, date_bin(interval '3600 seconds', s."bucket", timestamptz '1970-01-01T00:00:00Z') AS bucket, m.key AS metric, e.key AS entity,
             sum(e.value::double precision * coalesce((s."seriesCounts" -> m.key ->> e.key)::double precision, s."samples")) / sum(coalesce((s."seriesCounts" -> m.key ->> e.key)::double precision, s."samples")) AS value, sum(coalesce((s."seriesCounts" -> m.key ->> e.key)::double precision, s."samples"))::int AS n
        FROM src s CROSS JOIN LATERAL jsonb_each(s."series") m CROSS JOIN LATERAL jsonb_each_text(m.value) e
       GROUP BY 1, 2, 3, 4
    ), per_metric AS (
      SELECT sid, bucket, metric, jsonb_object_agg(entity, value) AS entities, jsonb_object_agg(entity, n) AS counts
        FROM per_entity GROUP BY 1, 2, 3
    ), series AS (
      SELECT sid, bucket, jsonb_object_agg(metric, entities) AS series, jsonb_object_agg(metric, counts) AS counts
        FROM per_metric GROUP BY 1, 2
    )
    INSERT INTO "MetricRollup1h" ("serverId", "bucket", "samples", "cpuPercent", "cpuPercentMax", "memoryPercent", "memoryPercentMax", "swapPercent", "diskPercent", "load1", "netRxBytesPerS", "netTxBytesPerS", "diskReadBytesPerS", "diskWriteBytesPerS", "tcpCount", "udpCount", "processCount", "maxTempC", "valueCounts", "series", "seriesCounts")
    SELECT base.sid, base.bucket, base.samples, base."cpuPercent", base."cpuPercentMax", base."memoryPercent", base."memoryPercentMax", base."swapPercent", base."diskPercent", base."load1", base."netRxBytesPerS", base."netTxBytesPerS", base."diskReadBytesPerS", base."diskWriteBytesPerS", base."tcpCount", base."udpCount", base."processCount", base."maxTempC", base."valueCounts", series.series, series.counts
      FROM base LEFT JOIN series USING (sid, bucket)
    ON CONFLICT ("serverId", "bucket") DO UPDATE SET "samples" = EXCLUDED."samples",
      "cpuPercent" = EXCLUDED."cpuPercent",
      "cpuPercentMax" = EXCLUDED."cpuPercentMax",
      "memoryPercent" = EXCLUDED."memoryPercent",
      "memoryPercentMax" = EXCLUDED."memoryPercentMax",
      "swapPercent" = EXCLUDED."swapPercent",
      "diskPercent" = EXCLUDED."diskPercent",
      "load1" = EXCLUDED."load1",
      "netRxBytesPerS" = EXCLUDED."netRxBytesPerS",
      "netTxBytesPerS" = EXCLUDED."netTxBytesPerS",
      "diskReadBytesPerS" = EXCLUDED."diskReadBytesPerS",
      "diskWriteBytesPerS" = EXCLUDED."diskWriteBytesPerS",
      "tcpCount" = EXCLUDED."tcpCount",
      "udpCount" = EXCLUDED."udpCount",
      "processCount" = EXCLUDED."processCount",
      "maxTempC" = EXCLUDED."maxTempC",
      "valueCounts" = EXCLUDED."valueCounts",
      "series" = EXCLUDED."series", "seriesCounts" = EXCLUDED."seriesCounts"
