import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService, type Server, type ServerSource, type ServerStatus } from '@pharos/database';
import type { ServerView } from '@pharos/protocol';
import { NotFoundError } from '../../platform/errors/domain-errors';

export type { ServerView };

export function toServerView(server: Server): ServerView {
  return {
    id: server.id,
    name: server.name,
    source: server.source,
    group: server.group,
    tags: server.tags,
    status: server.status,
    statusChangedAt: server.statusChangedAt?.toISOString() ?? null,
    lastSeenAt: server.lastSeenAt?.toISOString() ?? null,
    hostname: server.hostname,
    agentVersion: server.agentVersion,
    commandsEnabled: server.commandsEnabled,
    createdAt: server.createdAt.toISOString(),
  };
}

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

/**
 * The fleet's servers, whatever reports for them (agent or Ithiltir node). Capabilities that
 * add a reporting source create servers here and hang their credentials off them.
 */
@Injectable()
export class ServersService {
  constructor(private readonly prisma: PrismaService) {}

  async create(input: NewServer, tx: Prisma.TransactionClient = this.prisma): Promise<Server> {
    return tx.server.create({
      data: { name: input.name, source: input.source, group: input.group ?? null, tags: normalizeTags(input.tags) },
    });
  }

  async get(id: string): Promise<Server> {
    const server = isUuid(id) ? await this.prisma.server.findUnique({ where: { id } }) : null;
    if (!server) throw new NotFoundError(`server ${id} not found`);
    return server;
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
      this.prisma.server.findMany({
        where,
        orderBy: [{ [sort]: query.order ?? 'asc' }, { id: 'asc' }],
        take: query.limit,
        skip: query.offset,
      }),
      this.prisma.server.count({ where }),
    ]);
    return { items, total };
  }

  async update(id: string, changes: ServerChanges): Promise<Server> {
    await this.get(id);
    return this.prisma.server.update({
      where: { id },
      data: { ...changes, ...(changes.tags ? { tags: normalizeTags(changes.tags) } : {}) },
    });
  }

  async delete(id: string): Promise<void> {
    await this.get(id);
    await this.prisma.server.delete({ where: { id } });
  }

  /** Distinct groups and tags in use, for filters. */
  async facets(): Promise<{ groups: string[]; tags: string[] }> {
    const groups = await this.prisma.server.findMany({ where: { group: { not: null } }, distinct: ['group'], select: { group: true } });
    const tags = await this.prisma.$queryRaw<{ tag: string }[]>`SELECT DISTINCT unnest("tags") AS tag FROM "Server" ORDER BY 1`;
    return { groups: groups.map((g) => g.group!).sort(), tags: tags.map((t) => t.tag) };
  }
}

export function normalizeTags(tags: string[] | undefined): string[] {
  return [...new Set((tags ?? []).map((t) => t.trim()).filter(Boolean))].sort();
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
