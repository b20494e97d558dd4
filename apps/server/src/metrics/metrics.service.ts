import { Injectable } from '@nestjs/common';
import { PrismaService } from '@pharos/database';
import type { LiveMetricsData } from '@pharos/protocol';
import { FleetEventBus } from '../events/fleet-event-bus';
import { InvalidInputError } from '../errors/domain-errors';
import { METRIC_SERIES, METRIC_SERIES_NAMES, type MetricSeriesName, RAW_ONLY_SERIES, SERIES_WITH_MAX } from './metric-series';

/** Per-entity series of a sample (e.g. `{ "net_rx": { "eth0": 1200 } }`), kept as JSON. */
export type EntitySeries = Record<string, Record<string, number>>;

export type HistoryResolution = 'raw' | '1m' | '1h';

export interface MetricHistory {
  serverId: string;
  resolution: HistoryResolution;
  stepSeconds: number;
  from: string;
  to: string;
  /** Columnar, as chart libraries take it: one timestamp (ms) per point… */
  timestamps: number[];
  /** …and per series one value (or null) per point. */
  series: Record<string, (number | null)[]>;
}

const ROLLUPS: { table: string; seconds: number }[] = [
  { table: 'MetricRollup1m', seconds: 60 },
  { table: 'MetricRollup1h', seconds: 3600 },
];

/**
 * Parameters: $1 server id, $2 sample time, then one bucket start per rollup, then one value
 * per series (METRIC_SERIES_NAMES order), then the entity series JSON.
 */
const RECORD_SAMPLE_SQL = (() => {
  const valueParam = (name: MetricSeriesName) => `$${3 + ROLLUPS.length + METRIC_SERIES_NAMES.indexOf(name)}::double precision`;
  const seriesParam = `$${3 + ROLLUPS.length + METRIC_SERIES_NAMES.length}::jsonb`;
  const rawColumns = METRIC_SERIES_NAMES.map((name) => `"${METRIC_SERIES[name]}"`);
  const rollupSeries = METRIC_SERIES_NAMES.filter((n) => !RAW_ONLY_SERIES.includes(n));
  const rollup = (table: string, bucketParam: string) => {
    const columns: string[] = [];
    const values: string[] = [];
    const updates = ['"samples" = r."samples" + 1'];
    for (const name of rollupSeries) {
      const column = `"${METRIC_SERIES[name]}"`;
      columns.push(column);
      values.push(valueParam(name));
      // Running average; a sample without the value leaves the average as it was.
      updates.push(
        `${column} = CASE WHEN EXCLUDED.${column} IS NULL THEN r.${column} WHEN r.${column} IS NULL THEN EXCLUDED.${column} ` +
          `ELSE (r.${column} * r."samples" + EXCLUDED.${column}) / (r."samples" + 1) END`,
      );
      const maxColumn = SERIES_WITH_MAX[name];
      if (maxColumn) {
        columns.push(`"${maxColumn}"`);
        values.push(valueParam(name));
        updates.push(`"${maxColumn}" = GREATEST(r."${maxColumn}", EXCLUDED."${maxColumn}")`);
      }
    }
    return `INSERT INTO "${table}" AS r ("serverId", "bucket", "samples", ${columns.join(', ')})
      SELECT $1::uuid, ${bucketParam}::timestamptz, 1, ${values.join(', ')} WHERE EXISTS (SELECT 1 FROM inserted)
      ON CONFLICT ("serverId", "bucket") DO UPDATE SET ${updates.join(', ')}`;
  };
  const rollups = ROLLUPS.map(({ table }, i) => rollup(table, `$${3 + i}`));
  const leading = rollups.slice(0, -1).map((sql, i) => `, rollup${i} AS (${sql})`);
  return `WITH inserted AS (
      INSERT INTO "MetricSample" ("serverId", "at", ${rawColumns.join(', ')}, "series")
      VALUES ($1::uuid, $2::timestamptz, ${METRIC_SERIES_NAMES.map(valueParam).join(', ')}, ${seriesParam})
      ON CONFLICT ("serverId", "at") DO NOTHING
      RETURNING 1
    )${leading.join('')}
    ${rollups[rollups.length - 1]}`;
})();

/**
 * The history of every server's key series, whichever source sent them: raw samples plus
 * per-minute and per-hour rollups maintained on write, so a month charts from ~720 rows.
 * A recorded sample is then published live to the server's metrics subscribers.
 */
@Injectable()
export class MetricsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly bus: FleetEventBus,
  ) {}

  /**
   * Stores one sample and updates its minute and hour rollups in one statement (atomic, one
   * round trip; answered ⇒ committed), then publishes it. A repeated timestamp is ignored,
   * rollups included.
   */
  async record(serverId: string, sample: LiveMetricsData, entitySeries?: EntitySeries): Promise<void> {
    const at = new Date(sample.timestamp);
    if (Number.isNaN(at.getTime())) throw new InvalidInputError('timestamp must be an RFC 3339 time', 'timestamp');
    await this.prisma.$executeRawUnsafe(
      RECORD_SAMPLE_SQL,
      serverId,
      at.toISOString(),
      ...ROLLUPS.map(({ seconds }) => new Date(Math.floor(at.getTime() / (seconds * 1000)) * seconds * 1000).toISOString()),
      ...METRIC_SERIES_NAMES.map((name) => finiteOrNull(sample[name])),
      entitySeries ? JSON.stringify(entitySeries) : null,
    );
    this.bus.publish('metrics', serverId, sample);
  }

  /**
   * About `points` points of each series over [from, to): from the raw samples for short
   * ranges, the minute rollups for days, the hour rollups beyond; averaged into equal steps.
   */
  async history(serverId: string, series: MetricSeriesName[], from: Date, to: Date, points: number): Promise<MetricHistory> {
    if (!(from < to)) throw new InvalidInputError('from must be before to', 'from');
    const spanSeconds = (to.getTime() - from.getTime()) / 1000;
    const resolution: HistoryResolution = spanSeconds <= 6 * 3600 ? 'raw' : spanSeconds <= 7 * 86400 ? '1m' : '1h';
    const native = resolution === 'raw' ? 1 : resolution === '1m' ? 60 : 3600;
    const stepSeconds = Math.max(native, Math.ceil(spanSeconds / points / native) * native);
    const wanted = resolution === 'raw' ? series : series.filter((s) => !RAW_ONLY_SERIES.includes(s));
    const table = resolution === 'raw' ? 'MetricSample' : resolution === '1m' ? 'MetricRollup1m' : 'MetricRollup1h';
    const timeColumn = resolution === 'raw' ? 'at' : 'bucket';
    const selects = wanted.map((name) => `avg("${METRIC_SERIES[name]}") AS "${name}"`);
    const rows = await this.prisma.$queryRawUnsafe<Record<string, unknown>[]>(
      `SELECT date_bin(make_interval(secs => $4), "${timeColumn}", $2::timestamptz) AS t${selects.length ? ', ' + selects.join(', ') : ''}
         FROM "${table}"
        WHERE "serverId" = $1::uuid AND "${timeColumn}" >= $2::timestamptz AND "${timeColumn}" < $3::timestamptz
        GROUP BY 1 ORDER BY 1`,
      serverId,
      from.toISOString(),
      to.toISOString(),
      stepSeconds,
    );
    const result: MetricHistory = {
      serverId,
      resolution,
      stepSeconds,
      from: from.toISOString(),
      to: to.toISOString(),
      timestamps: rows.map((r) => new Date(r.t as string | Date).getTime()),
      series: Object.fromEntries(wanted.map((name) => [name, rows.map((r) => finiteOrNull(r[name]))])),
    };
    return result;
  }
}

function finiteOrNull(value: unknown): number | null {
  const n = typeof value === 'number' ? value : value === null || value === undefined ? NaN : Number(value);
  return Number.isFinite(n) ? n : null;
}
