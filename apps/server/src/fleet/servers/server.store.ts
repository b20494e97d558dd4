import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService, type Server, type ServerSource, type ServerStatus } from '@pharos/database';
import type { ServerSort } from '@pharos/protocol';
import type { DbTransaction } from '../../platform/database/transactions';
import { slicesOf } from './list-slices';

export interface NewServer {
  name: string;
  source: ServerSource;
  group?: string | null;
  tags?: string[];
}

export interface ServerChanges {
  name?: string;
  group?: string | null;
  tags?: string[];
  commandsEnabled?: boolean;
}

/** What a server's reporter says of itself; absent fields stay as they are. */
export interface ServerIdentity {
  agentVersion?: string;
  hostname?: string;
  reportIntervalSeconds?: number;
}

export interface ServerQuery {
  status?: ServerStatus;
  source?: ServerSource;
  group?: string;
  tag?: string;
  /** Matches name or hostname, case-insensitively. */
  search?: string;
  sort?: ServerSort;
  order?: 'asc' | 'desc';
  limit: number;
  offset: number;
}

/** A server of a list, with the alerts firing on it now by severity. */
export type ListedServer = Server & { alertsCritical: number; alertsWarning: number };

/** A status change to write: the server, its new status, when. */
export interface StatusChange {
  serverId: string;
  status: ServerStatus;
  at: Date;
}

/**
 * Last-seen times of servers already online, in one statement: $1 ids, $2 times; a time never
 * moves back.
 */
const TOUCH_LAST_SEEN_SQL = `UPDATE "Server" AS s SET "lastSeenAt" = v.at
    FROM unnest($1::uuid[], $2::timestamptz[]) AS v(id, at)
   WHERE s.id = v.id AND (s."lastSeenAt" IS NULL OR s."lastSeenAt" < v.at)`;

/**
 * Status changes, each server at most once ($1 ids, $2 statuses, $3 times): only rows whose
 * status differs change; returns the 1-based position of each change that happened.
 */
const CHANGE_STATUS_SQL = `UPDATE "Server" AS s
    SET "status" = v.status::"ServerStatus", "statusChangedAt" = v.at, "updatedAt" = now(),
        "lastSeenAt" = CASE WHEN v.status = 'online' THEN v.at ELSE s."lastSeenAt" END
   FROM unnest($1::uuid[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS v(id, status, at, n)
  WHERE s."id" = v.id AND s."status"::text <> v.status
RETURNING v.n`;

const DISTINCT_TAGS_SQL = Prisma.sql`SELECT DISTINCT unnest("tags") AS tag FROM "Server" ORDER BY 1`;

/** The list's order for the sorts read as one part, by direction; the id last, so pages never overlap. */
const ORDER_BY: Record<'name' | 'lastSeenAt' | 'createdAt', Record<'asc' | 'desc', Prisma.Sql>> = {
  name: { asc: Prisma.sql`s."name" ASC, s."id" ASC`, desc: Prisma.sql`s."name" DESC, s."id" ASC` },
  lastSeenAt: { asc: Prisma.sql`s."lastSeenAt" ASC, s."id" ASC`, desc: Prisma.sql`s."lastSeenAt" DESC, s."id" ASC` },
  createdAt: { asc: Prisma.sql`s."createdAt" ASC, s."id" ASC`, desc: Prisma.sql`s."createdAt" DESC, s."id" ASC` },
};

/** How many servers match, by status, and which of them have alerts firing (few: open incidents). */
interface ListCounts {
  all: number;
  offline: number;
  unknown: number;
  online: number;
  /** Not offline, with alerts firing. */
  firing: number;
  unknownFiring: number;
  firingIds: string[];
}

/** A part of the list: how many rows it holds, and the statement reading `limit` of them from `offset`. */
interface ListPart {
  size: number;
  page: (limit: number, offset: number) => Prisma.Sql;
}

/** The servers (`s`) a query's filters let through; a filter not given lets every server through. */
function matching(query: ServerQuery): Prisma.Sql {
  const { status = null, source = null, group = null, tag = null } = query;
  // The search matches anywhere in the name or hostname, its wildcards taken literally.
  const pattern = query.search ? `%${query.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  return Prisma.sql`(${status}::text IS NULL OR s."status"::text = ${status})
         AND (${source}::text IS NULL OR s."source"::text = ${source})
         AND (${group}::text IS NULL OR s."group" = ${group})
         AND (${tag}::text IS NULL OR ${tag} = ANY(s."tags"))
         AND (${pattern}::text IS NULL OR s."name" ILIKE ${pattern} OR s."hostname" ILIKE ${pattern})`;
}

/** Servers (rows `s` of `rows`) with the alerts firing on each, by severity (`a`), in `order`. */
function withAlerts(rows: Prisma.Sql, order: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`
    SELECT s.*, a.critical AS "alertsCritical", a.warning AS "alertsWarning"
      FROM (${rows}) s CROSS JOIN LATERAL (
        SELECT count(*) FILTER (WHERE "severity" = 'critical')::int AS critical, count(*) FILTER (WHERE "severity" = 'warning')::int AS warning
          FROM "AlertIncident" WHERE "serverId" = s."id" AND "resolvedAt" IS NULL) a
     ORDER BY ${order}`;
}

/**
 * Server creations and renames take a transaction-scoped lock on the name they give (this key
 * and the name's hash) before they check that it is free, so that two of them cannot both find
 * it free; creations of other names go on in parallel (one lock for every name made a burst of
 * enrolments wait in line for connections). A unique index could not be added to a fleet that
 * already has two servers of one name.
 */
const SERVER_NAMES_LOCK = 0x5048_4e4d; // "PHNM"

/** The fleet's servers: one row each, whatever reports for it. */
@Injectable()
export class ServerStore {
  constructor(private readonly prisma: PrismaService) {}

  create(input: NewServer, db: DbTransaction = this.prisma): Promise<Server> {
    return db.server.create({ data: { name: input.name, source: input.source, group: input.group ?? null, tags: input.tags ?? [] } });
  }

  find(id: string): Promise<Server | null> {
    return this.prisma.server.findUnique({ where: { id } });
  }

  /**
   * A page of the servers matching the filters, in the order asked, with the number matching
   * and the alerts firing on each. The trouble and status orders are parts in a row (offline;
   * alerts firing; never seen; online), each read in its own order through the (status, name)
   * index, so a page costs what its rows cost and a count, not a sort of the whole fleet. The
   * firing alerts are the alerts module's rows, only counted here.
   */
  async list(query: ServerQuery): Promise<{ items: ListedServer[]; total: number; byStatus: Record<ServerStatus, number> }> {
    const where = matching(query);
    const counts = await this.counts(where);
    const parts = this.parts(query, where, counts);
    const items: ListedServer[] = [];
    for (const slice of slicesOf(parts.map((p) => p.size), query.offset, query.limit)) {
      items.push(...(await this.prisma.$queryRaw<ListedServer[]>(parts[slice.part]!.page(slice.limit, slice.offset))));
    }
    return { items, total: counts.all, byStatus: { online: counts.online, offline: counts.offline, unknown: counts.unknown } };
  }

  /** The list in the order asked, as consecutive parts: how many rows each holds, and how to read a page of it. */
  private parts(query: ServerQuery, where: Prisma.Sql, counts: ListCounts): ListPart[] {
    const desc = query.order === 'desc';
    const dir = Prisma.raw(desc ? 'DESC' : 'ASC');
    const byName = Prisma.sql`s."name" ${dir}, s."id" ${dir}`;
    const ofStatus = (status: ServerStatus, withoutFiring: boolean) =>
      Prisma.sql`s."status" = ${status}::"ServerStatus"${withoutFiring ? Prisma.sql` AND s."id" <> ALL(${counts.firingIds}::uuid[])` : Prisma.empty}`;
    if (query.sort === 'trouble') {
      const parts: ListPart[] = [
        { size: counts.offline, page: (n, k) => this.part(where, ofStatus('offline', false), byName, n, k) },
        { size: counts.firing, page: (n, k) => this.firingPart(where, counts.firingIds, desc, n, k) },
        { size: counts.unknown - counts.unknownFiring, page: (n, k) => this.part(where, ofStatus('unknown', true), byName, n, k) },
        { size: counts.online - (counts.firing - counts.unknownFiring), page: (n, k) => this.part(where, ofStatus('online', true), byName, n, k) },
      ];
      // Descending, the healthy come first.
      return desc ? parts.reverse() : parts;
    }
    if (query.sort === 'status') {
      const nameAsc = Prisma.sql`s."name" ASC, s."id" ASC`;
      const parts = (['offline', 'unknown', 'online'] as const).map((status): ListPart => ({ size: counts[status], page: (n, k) => this.part(where, ofStatus(status, false), nameAsc, n, k) }));
      return desc ? parts.reverse() : parts;
    }
    const order = ORDER_BY[query.sort ?? 'name'][desc ? 'desc' : 'asc'];
    return [{ size: counts.all, page: (n, k) => this.part(where, Prisma.sql`TRUE`, order, n, k) }];
  }

  private async counts(where: Prisma.Sql): Promise<ListCounts> {
    const [row] = await this.prisma.$queryRaw<ListCounts[]>(Prisma.sql`
      WITH firing AS (SELECT DISTINCT "serverId" AS id FROM "AlertIncident" WHERE "resolvedAt" IS NULL)
      SELECT count(*)::int AS "all",
             count(*) FILTER (WHERE s."status" = 'offline')::int AS offline,
             count(*) FILTER (WHERE s."status" = 'unknown')::int AS unknown,
             count(*) FILTER (WHERE s."status" = 'online')::int AS online,
             count(*) FILTER (WHERE s."status" <> 'offline' AND f.id IS NOT NULL)::int AS firing,
             count(*) FILTER (WHERE s."status" = 'unknown' AND f.id IS NOT NULL)::int AS "unknownFiring",
             coalesce(array_agg(s."id"::text) FILTER (WHERE f.id IS NOT NULL), '{}') AS "firingIds"
        FROM "Server" s LEFT JOIN firing f ON f.id = s."id"
       WHERE ${where}`);
    return row!;
  }

  /** Rows [offset, offset + limit) of the matching servers that `part` lets through, in `order` (on `s`), with their alerts. */
  private part(where: Prisma.Sql, part: Prisma.Sql, order: Prisma.Sql, limit: number, offset: number): Prisma.Sql {
    return withAlerts(Prisma.sql`SELECT s.* FROM "Server" s WHERE ${where} AND ${part} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}`, order);
  }

  /** Rows of the servers (not offline) with alerts firing: the most critical first, then by name. */
  private firingPart(where: Prisma.Sql, firingIds: string[], desc: boolean, limit: number, offset: number): Prisma.Sql {
    const rows = Prisma.sql`SELECT s.* FROM "Server" s WHERE ${where} AND s."status" <> 'offline' AND s."id" = ANY(${firingIds}::uuid[])`;
    const order = desc
      ? Prisma.sql`a.critical ASC, a.warning ASC, s."name" DESC, s."id" DESC`
      : Prisma.sql`a.critical DESC, a.warning DESC, s."name" ASC, s."id" ASC`;
    return withAlerts(rows, Prisma.sql`${order} LIMIT ${limit} OFFSET ${offset}`);
  }

  update(id: string, changes: ServerChanges, db: DbTransaction = this.prisma): Promise<Server> {
    return db.server.update({ where: { id }, data: changes });
  }

  /**
   * Takes the lock under which this name is checked and given (see `SERVER_NAMES_LOCK`), then
   * returns the id of another server already named `name` (compared case-insensitively), if any.
   */
  async lockAndFindName(name: string, exceptId: string | null, tx: DbTransaction): Promise<string | null> {
    await tx.$queryRaw`SELECT pg_advisory_xact_lock(${SERVER_NAMES_LOCK}::int, hashtext(lower(${name})))::text`;
    const [row] = await tx.$queryRaw<{ id: string }[]>`
      SELECT "id"::text AS id FROM "Server" WHERE lower("name") = lower(${name}) AND (${exceptId}::uuid IS NULL OR "id" <> ${exceptId}::uuid) LIMIT 1`;
    return row?.id ?? null;
  }

  /** What a server's reporter says of itself (version, hostname, report interval); absent fields stay. */
  async setIdentity(id: string, identity: ServerIdentity, db: DbTransaction = this.prisma): Promise<void> {
    await db.server.updateMany({ where: { id }, data: identity });
  }

  async rename(id: string, name: string, tx: DbTransaction): Promise<void> {
    await tx.server.update({ where: { id }, data: { name } });
  }

  async delete(id: string, db: DbTransaction = this.prisma): Promise<void> {
    await db.server.delete({ where: { id } });
  }

  async facets(): Promise<{ groups: string[]; tags: string[] }> {
    const groups = await this.prisma.server.findMany({ where: { group: { not: null } }, distinct: ['group'], select: { group: true } });
    const tags = await this.prisma.$queryRaw<{ tag: string }[]>(DISTINCT_TAGS_SQL);
    return { groups: groups.map((g) => g.group!).sort(), tags: tags.map((t) => t.tag) };
  }

  async status(id: string): Promise<ServerStatus | undefined> {
    const row = await this.prisma.server.findUnique({ where: { id }, select: { status: true } });
    return row?.status;
  }

  /** Name, group and tags (what alert rules and silences are scoped by); null when gone. */
  scope(id: string): Promise<{ name: string; group: string | null; tags: string[] } | null> {
    return this.prisma.server.findUnique({ where: { id }, select: { name: true, group: true, tags: true } });
  }

  async group(id: string): Promise<string | null> {
    const row = await this.prisma.server.findUnique({ where: { id }, select: { group: true } });
    return row?.group ?? null;
  }

  async touchLastSeen(seen: [id: string, at: Date][]): Promise<void> {
    await this.prisma.$executeRawUnsafe(
      TOUCH_LAST_SEEN_SQL,
      seen.map(([id]) => id),
      seen.map(([, at]) => at.toISOString()),
    );
  }

  /** Applies status changes (a server at most once); true for each that changed a row. */
  async changeStatus(changes: StatusChange[], tx: DbTransaction): Promise<boolean[]> {
    const rows = await tx.$queryRawUnsafe<{ n: bigint | number }[]>(
      CHANGE_STATUS_SQL,
      changes.map((c) => c.serverId),
      changes.map((c) => c.status),
      changes.map((c) => c.at.toISOString()),
    );
    const changed = changes.map(() => false);
    for (const row of rows) changed[Number(row.n) - 1] = true;
    return changed;
  }

  /** Agent servers marked online but silent since `silentSince`, except those connected here. */
  async silentOnlineAgentServers(silentSince: Date, except: string[], take: number): Promise<string[]> {
    const rows = await this.prisma.server.findMany({
      where: { source: 'agent', status: 'online', OR: [{ lastSeenAt: null }, { lastSeenAt: { lt: silentSince } }], id: { notIn: except } },
      select: { id: true },
      take,
    });
    return rows.map((r) => r.id);
  }
}
