import { IsIn, IsString, MaxLength, MinLength } from 'class-validator';
import { InvalidInputError } from '../../platform/errors/domain-errors';
import { Optional, QueryInt, SaneDate } from '../../platform/http/field-rules';
import { ENTITY_SERIES_NAMES, type EntitySeriesName, isEntitySeries, isMetricSeries, METRIC_SERIES_NAMES, type MetricSeriesName } from './metric-series';
import type { HistoryResolution } from './metrics.service';

export class MetricHistoryQuery {
  /**
   * Comma-separated series names, e.g. `cpu_percent,memory_percent` (default: both); per-entity
   * series (e.g. `iface_rx_bytes_per_sec`) return one column per entity.
   */
  @Optional()
  @IsString()
  series?: string;

  /** RFC 3339; default one hour before `to`. */
  @Optional()
  @SaneDate()
  from?: string;

  /** RFC 3339; default now. */
  @Optional()
  @SaneDate()
  to?: string;

  @QueryInt(2, 5000)
  points?: number;

  /** Where the points come from: raw samples, minute or hour rollups; `auto` picks by range. */
  @Optional()
  @IsIn(['auto', 'raw', '1m', '1h'])
  resolution?: HistoryResolution | 'auto';

  /** Only this entity of the per-entity series (e.g. one Lightd container of its daemon's server). */
  @Optional()
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  entity?: string;
}

export interface HistoryRequest {
  series: (MetricSeriesName | EntitySeriesName)[];
  from: Date;
  to: Date;
  points: number;
  resolution: HistoryResolution | 'auto';
  entity?: string;
}

/** Every series name the history accepts. */
export const HISTORY_SERIES_NAMES: string[] = [...METRIC_SERIES_NAMES, ...ENTITY_SERIES_NAMES];

/** The query with its defaults applied; an unknown series name is a 400 naming `series`. */
export function toHistoryRequest(query: MetricHistoryQuery): HistoryRequest {
  const series = (query.series ?? 'cpu_percent,memory_percent').split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = series.find((s) => !isMetricSeries(s) && !isEntitySeries(s));
  if (unknown) throw new InvalidInputError(`unknown series "${unknown}"; known: ${HISTORY_SERIES_NAMES.join(', ')}`, 'series');
  const to = query.to ? new Date(query.to) : new Date();
  const from = query.from ? new Date(query.from) : new Date(to.getTime() - 3600_000);
  return {
    series: series as HistoryRequest['series'],
    from,
    to,
    points: query.points ?? 500,
    resolution: query.resolution ?? 'auto',
    entity: query.entity,
  };
}
