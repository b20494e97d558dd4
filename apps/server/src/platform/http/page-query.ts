import { MAX_QUERY_INTEGER, QueryInt } from './field-rules';

/** `limit` of a listed page (1–500); list queries that page by cursor extend it. */
export class LimitQuery {
  @QueryInt(1, 500)
  limit?: number;
}

/** `limit` and `offset` of a listed page; list queries extend it with their filters. */
export class PageQuery extends LimitQuery {
  @QueryInt(0, MAX_QUERY_INTEGER)
  offset?: number;
}
