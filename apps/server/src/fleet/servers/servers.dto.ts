import { SERVER_SORTS, type ServerSort } from '@pharos/protocol';
import { IsBoolean, IsIn, IsString, MaxLength } from 'class-validator';
import { CursorId, DisplayName, Label, Labels, MAX_QUERY_INTEGER, Nullable, Optional, QueryInt } from '../../platform/http/field-rules';
import { LimitQuery } from '../../platform/http/page-query';

const MAX_TAGS = 32;

export class ServerListQuery {
  @Optional()
  @IsIn(['unknown', 'online', 'offline'])
  status?: 'unknown' | 'online' | 'offline';

  @Optional()
  @IsIn(['agent', 'ithiltir', 'lightd'])
  source?: 'agent' | 'ithiltir' | 'lightd';

  @Optional()
  @IsString()
  @MaxLength(64)
  group?: string;

  @Optional()
  @IsString()
  @MaxLength(64)
  tag?: string;

  @Optional()
  @IsString()
  @MaxLength(128)
  search?: string;

  @Optional()
  @IsIn(SERVER_SORTS)
  sort?: ServerSort;

  @Optional()
  @IsIn(['asc', 'desc'])
  order?: 'asc' | 'desc';

  @QueryInt(1, 1000)
  limit?: number;

  @QueryInt(0, MAX_QUERY_INTEGER)
  offset?: number;
}

export class CreateServerDto {
  @DisplayName()
  name!: string;

  @Optional()
  @Label()
  group?: string;

  @Optional()
  @Labels(MAX_TAGS)
  tags?: string[];
}

export class UpdateServerDto {
  @Optional()
  @DisplayName()
  name?: string;

  /** `null` takes the server out of its group. */
  @Nullable()
  @Label()
  group?: string | null;

  @Optional()
  @Labels(MAX_TAGS)
  tags?: string[];

  @Optional()
  @IsBoolean()
  commandsEnabled?: boolean;
}

export class EventPageQuery extends LimitQuery {
  @CursorId('an event id')
  before?: string;
}
