import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { LimitQuery } from '../../platform/http/page-query';

export class AuditPageQuery extends LimitQuery {
  /** The `nextBefore` of the previous page: entries older than this one. */
  @IsOptional()
  @Matches(/^[1-9]\d{0,18}$/, { message: 'before must be an audit entry id from a previous page' })
  before?: string;

  /** An action (`server.create`) or a prefix ending in a dot (`lightd.`). */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  action?: string;

  /** The actor's username, exactly. */
  @IsOptional()
  @IsString()
  @MaxLength(128)
  actor?: string;
}
