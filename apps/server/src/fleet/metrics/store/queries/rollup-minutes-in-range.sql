-- rollup-minutes-in-range: generated from apps/server/src/fleet/metrics/store (npm run sql:generate); do not edit.
WITH src AS MATERIALIZED (SELECT s.* FROM "MetricSample" s WHERE s."at" >= $1::timestamptz AND s."at" < $2::timestamptz), base AS (
      SELECT s."serverId" AS sid, date_bin(interval '60 seconds', s."at", timestamptz '1970-01-01T00:00:00Z') AS bucket, count(*)::int AS samples,
             sum(s."cpuPercent"::double precision * 1) / nullif(sum(1) FILTER (WHERE s."cpuPercent" IS NOT NULL), 0) AS "cpuPercent",
             max(s."cpuPercent") AS "cpuPercentMax",
             sum(s."memoryPercent"::double precision * 1) / nullif(sum(1) FILTER (WHERE s."memoryPercent" IS NOT NULL), 0) AS "memoryPercent",
             max(s."memoryPercent") AS "memoryPercentMax",
             sum(s."swapPercent"::double precision * 1) / nullif(sum(1) FILTER (WHERE s."swapPercent" IS NOT NULL), 0) AS "swapPercent",
             sum(s."diskPercent"::double precision * 1) / nullif(sum(1) FILTER (WHERE s."diskPercent" IS NOT NULL), 0) AS "diskPercent",
             sum(s."load1"::double precision * 1) / nullif(sum(1) FILTER (WHERE s."load1" IS NOT NULL), 0) AS "load1",
             sum(s."netRxBytesPerS"::double precision * 1) / nullif(sum(1) FILTER (WHERE s."netRxBytesPerS" IS NOT NULL), 0) AS "netRxBytesPerS",
             sum(s."netTxBytesPerS"::double precision * 1) / nullif(sum(1) FILTER (WHERE s."netTxBytesPerS" IS NOT NULL), 0) AS "netTxBytesPerS",
             sum(s."diskReadBytesPerS"::double precision * 1) / nullif(sum(1) FILTER (WHERE s."diskReadBytesPerS" IS NOT NULL), 0) AS "diskReadBytesPerS",
             sum(s."diskWriteBytesPerS"::double precision * 1) / nullif(sum(1) FILTER (WHERE s."diskWriteBytesPerS" IS NOT NULL), 0) AS "diskWriteBytesPerS",
             sum(s."tcpCount"::double precision * 1) / nullif(sum(1) FILTER (WHERE s."tcpCount" IS NOT NULL), 0) AS "tcpCount",
             sum(s."udpCount"::double precision * 1) / nullif(sum(1) FILTER (WHERE s."udpCount" IS NOT NULL), 0) AS "udpCount",
             sum(s."processCount"::double precision * 1) / nullif(sum(1) FILTER (WHERE s."processCount" IS NOT NULL), 0) AS "processCount",
             sum(s."maxTempC"::double precision * 1) / nullif(sum(1) FILTER (WHERE s."maxTempC" IS NOT NULL), 0) AS "maxTempC",
             jsonb_build_object('cpuPercent', coalesce(sum(1) FILTER (WHERE s."cpuPercent" IS NOT NULL), 0)::int, 'memoryPercent', coalesce(sum(1) FILTER (WHERE s."memoryPercent" IS NOT NULL), 0)::int, 'swapPercent', coalesce(sum(1) FILTER (WHERE s."swapPercent" IS NOT NULL), 0)::int, 'diskPercent', coalesce(sum(1) FILTER (WHERE s."diskPercent" IS NOT NULL), 0)::int, 'load1', coalesce(sum(1) FILTER (WHERE s."load1" IS NOT NULL), 0)::int, 'netRxBytesPerS', coalesce(sum(1) FILTER (WHERE s."netRxBytesPerS" IS NOT NULL), 0)::int, 'netTxBytesPerS', coalesce(sum(1) FILTER (WHERE s."netTxBytesPerS" IS NOT NULL), 0)::int, 'diskReadBytesPerS', coalesce(sum(1) FILTER (WHERE s."diskReadBytesPerS" IS NOT NULL), 0)::int, 'diskWriteBytesPerS', coalesce(sum(1) FILTER (WHERE s."diskWriteBytesPerS" IS NOT NULL), 0)::int, 'tcpCount', coalesce(sum(1) FILTER (WHERE s."tcpCount" IS NOT NULL), 0)::int, 'udpCount', coalesce(sum(1) FILTER (WHERE s."udpCount" IS NOT NULL), 0)::int, 'processCount', coalesce(sum(1) FILTER (WHERE s."processCount" IS NOT NULL), 0)::int, 'maxTempC', coalesce(sum(1) FILTER (WHERE s."maxTempC" IS NOT NULL), 0)::int) AS "valueCounts"
        FROM src s GROUP BY 1, 2
    ), per_entity AS (
      SELECT s."serverId" AS sid, date_bin(interval '60 seconds', s."at", timestamptz '1970-01-01T00:00:00Z') AS bucket, m.key AS metric, e.key AS entity,
             sum(e.value::double precision * 1) / sum(1) AS value, sum(1)::int AS n
        FROM src s CROSS JOIN LATERAL jsonb_each(s."series") m CROSS JOIN LATERAL jsonb_each_text(m.value) e
       GROUP BY 1, 2, 3, 4
    ), per_metric AS (
      SELECT sid, bucket, metric, jsonb_object_agg(entity, value) AS entities, jsonb_object_agg(entity, n) AS counts
        FROM per_entity GROUP BY 1, 2, 3
    ), series AS (
      SELECT sid, bucket, jsonb_object_agg(metric, entities) AS series, jsonb_object_agg(metric, counts) AS counts
        FROM per_metric GROUP BY 1, 2
    )
    INSERT INTO "MetricRollup1m" ("serverId", "bucket", "samples", "cpuPercent", "cpuPercentMax", "memoryPercent", "memoryPercentMax", "swapPercent", "diskPercent", "load1", "netRxBytesPerS", "netTxBytesPerS", "diskReadBytesPerS", "diskWriteBytesPerS", "tcpCount", "udpCount", "processCount", "maxTempC", "valueCounts", "series", "seriesCounts")
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
