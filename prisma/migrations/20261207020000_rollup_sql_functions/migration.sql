-- (The Postgres driver adapter runs a migration split at every semicolon: none may appear in a
-- comment or inside a function body below.)
--
-- Two small functions the rollup statements name in place of the same expression written once
-- per series (apps/server/src/fleet/metrics/store/rollup-sql.ts and sample-sql.ts).

-- How many samples had a series' value in a rollup row: its count in `counts` (the row's
-- valueCounts), or for older rows without counts, every sample of the row.
CREATE FUNCTION pharos_value_count(counts jsonb, series text, samples integer)
RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce((counts ->> series)::double precision, samples::double precision)
$$;

-- The average of `n` values with one more value folded in. A missing value changes nothing,
-- and the first value is its own average.
CREATE FUNCTION pharos_running_avg(average double precision, n double precision, value double precision)
RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN value IS NULL THEN average WHEN average IS NULL THEN value ELSE (average * n + value) / (n + 1) END
$$;
