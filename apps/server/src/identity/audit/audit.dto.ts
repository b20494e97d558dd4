import { IsString, MaxLength } from 'class-validator';
import { CursorId, Optional } from '../../platform/http/field-rules';
import { LimitQuery } from '../../platform/http/page-query';

export class AuditPageQuery extends LimitQuery {
  /** The `nextBefore` of the previous page: entries older than this one. */
  @CursorId('an audit entry id')
  before?: string;

  /** An action (`server.create`) or a prefix ending in a dot (`lightd.`). */
  @Optional()
  @IsString()
  @MaxLength(64)
  action?: string;

  /** The actor's username, exactly. */
  @Optional()
  @IsString()
  @MaxLength(128)
  actor?: string;
}
