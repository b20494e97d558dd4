import { SERVER_SORTS, type ServerSort } from '@pharos/protocol';
import { Type } from 'class-transformer';
import { LimitQuery } from '../../platform/http/page-query';
import { ArrayMaxSize, IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';

export class ServerListQuery {
  @IsOptional()
  @IsIn(['unknown', 'online', 'offline'])
  status?: 'unknown' | 'online' | 'offline';

  @IsOptional()
  @IsIn(['agent', 'ithiltir', 'lightd'])
  source?: 'agent' | 'ithiltir' | 'lightd';

  @IsOptional()
  @IsString()
  @MaxLength(64)
  group?: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  tag?: string;

  @IsOptional()
  @IsString()
  @MaxLength(128)
  search?: string;

  @IsOptional()
  @IsIn(SERVER_SORTS)
  sort?: ServerSort;

  @IsOptional()
  @IsIn(['asc', 'desc'])
  order?: 'asc' | 'desc';

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset?: number;
}

// Names are shown in terminals and logs: no control characters.
// eslint-disable-next-line no-control-regex
const NAME = /^[^\u0000-\u001f]{1,128}$/;

export class CreateServerDto {
  @IsString()
  @Matches(NAME, { message: 'name must be 1-128 printable characters' })
  name!: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  group?: string;

  @IsOptional()
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  @ArrayMaxSize(32)
  tags?: string[];
}

export class UpdateServerDto {
  @IsOptional()
  @IsString()
  @Matches(NAME, { message: 'name must be 1-128 printable characters' })
  name?: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  group?: string | null;

  @IsOptional()
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  @ArrayMaxSize(32)
  tags?: string[];

  @IsOptional()
  @IsBoolean()
  commandsEnabled?: boolean;
}

export class EventPageQuery extends LimitQuery {
  @IsOptional()
  @Matches(/^\d{1,19}$/, { message: 'before must be an event id' })
  before?: string;
}
