import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';

export const CONTAINER_STATUS_FILTERS = ['installing', 'ready', 'failed', 'unknown'] as const;
export type ContainerStatusFilter = (typeof CONTAINER_STATUS_FILTERS)[number];

class PageSizeQuery {
  /** Items per page (50 when not given). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

/** A daemon's containers: by status, a page at a time. */
export class ContainerFilterQuery extends PageSizeQuery {
  /** `unknown`: containers seen only through events that carry no status. */
  @IsOptional()
  @IsIn(CONTAINER_STATUS_FILTERS)
  status?: ContainerStatusFilter;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset?: number;
}

/** Containers across daemons. */
export class ListContainersQuery extends ContainerFilterQuery {
  @IsOptional()
  @IsUUID()
  daemonId?: string;
}

/** A container's update history, newest first, a page at a time. */
export class ContainerHistoryQuery extends PageSizeQuery {
  /** The `nextBefore` of the previous page: entries older than this one. */
  @IsOptional()
  @Matches(/^[1-9]\d{0,18}$/, { message: 'before must be an update id from a previous page' })
  before?: string;
}

export class ContainerIdParam {
  @IsUUID()
  id!: string;
}
