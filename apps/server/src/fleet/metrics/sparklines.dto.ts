import { Matches } from 'class-validator';
import { QueryInt } from '../../platform/http/field-rules';

const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

export const MAX_SPARKLINE_SERVERS = 200;

export class SparklinesQuery {
  /** Comma-separated server ids: the rows a fleet view shows (at most 200). */
  @Matches(new RegExp(`^${UUID}(,${UUID}){0,${MAX_SPARKLINE_SERVERS - 1}}$`), {
    message: `servers must be 1-${MAX_SPARKLINE_SERVERS} comma-separated server ids`,
  })
  servers!: string;

  /** How far back the lines reach (default 15). */
  @QueryInt(5, 60)
  minutes?: number;
}
