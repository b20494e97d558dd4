import { IsIn, IsUUID } from 'class-validator';
import { CursorId, Optional } from '../../../platform/http/field-rules';
import { LimitQuery, PageQuery } from '../../../platform/http/page-query';

export const CONTAINER_STATUS_FILTERS = ['installing', 'ready', 'failed', 'unknown'] as const;
export type ContainerStatusFilter = (typeof CONTAINER_STATUS_FILTERS)[number];

/** A daemon's containers: by status, a page at a time. */
export class ContainerFilterQuery extends PageQuery {
  /** `unknown`: containers seen only through events that carry no status. */
  @Optional()
  @IsIn(CONTAINER_STATUS_FILTERS)
  status?: ContainerStatusFilter;
}

/** Containers across daemons. */
export class ListContainersQuery extends ContainerFilterQuery {
  @Optional()
  @IsUUID()
  daemonId?: string;
}

/** A container's update history, newest first, a page at a time. */
export class ContainerHistoryQuery extends LimitQuery {
  /** The `nextBefore` of the previous page: entries older than this one. */
  @CursorId('an update id')
  before?: string;
}

export class ContainerIdParam {
  @IsUUID()
  id!: string;
}
