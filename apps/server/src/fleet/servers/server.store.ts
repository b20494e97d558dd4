import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService, type Server, type ServerSource, type ServerStatus } from '@pharos/database';
import type { DbTransaction } from '../../platform/database/transactions';

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

export interface ServerQuery {
  status?: ServerStatus;
  source?: ServerSource;
  group?: string;
  tag?: string;
  /** Matches name or hostname, case-insensitively. */
  search?: string;
  sort?: 'name' | 'status' | 'lastSeenAt' | 'createdAt';
  order?: 'asc' | 'desc';
  limit: number;
  offset: number;
}

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

  async list(query: ServerQuery): Promise<{ items: Server[]; total: number }> {
    const where: Prisma.ServerWhereInput = {
      ...(query.status ? { status: query.status } : {}),
      ...(query.source ? { source: query.source } : {}),
      ...(query.group ? { group: query.group } : {}),
      ...(query.tag ? { tags: { has: query.tag } } : {}),
      ...(query.search
        ? {
            OR: [
              { name: { contains: query.search, mode: 'insensitive' } },
              { hostname: { contains: query.search, mode: 'insensitive' } },
            ],
          }
        : {}),
    };
    const sort = query.sort ?? 'name';
    const [items, total] = await Promise.all([
      this.prisma.server.findMany({ where, orderBy: [{ [sort]: query.order ?? 'asc' }, { id: 'asc' }], take: query.limit, skip: query.offset }),
      this.prisma.server.count({ where }),
    ]);
    return { items, total };
  }

  update(id: string, changes: ServerChanges): Promise<Server> {
    return this.prisma.server.update({ where: { id }, data: changes });
  }

  /** What a server's reporter says of itself (version, hostname); absent fields stay. */
  async setIdentity(id: string, identity: { agentVersion?: string; hostname?: string }, db: DbTransaction = this.prisma): Promise<void> {
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
