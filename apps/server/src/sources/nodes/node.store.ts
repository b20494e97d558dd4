import { Injectable } from '@nestjs/common';
import { type NodeStatic, type Prisma, PrismaService } from '@pharos/database';
import type { DbTransaction } from '../../platform/database/transactions';

/** What the ingest needs to know of a node between reports. */
export interface NodeFacts {
  version: string | null;
  hostname: string | null;
  os: string | null;
  arch: string | null;
  intervalSeconds: number | null;
}

/** A node's static facts as `NodeStatic` keeps them (the payload is the body as sent). */
export type StaticFactsToStore = Omit<NodeStatic, 'serverId' | 'payload'> & { payload: Prisma.InputJsonObject };

/** The columns of `NodeStatic` a node list shows. */
export const LISTED_STATIC_FACTS = {
  nodeVersion: true,
  reportIntervalSeconds: true,
  os: true,
  platform: true,
  platformVersion: true,
  kernelVersion: true,
  arch: true,
  hostname: true,
  cpuModel: true,
  coresLogical: true,
  memoryTotal: true,
  swapTotal: true,
  reportedAt: true,
} as const;

export type ListedStaticFacts = Pick<NodeStatic, keyof typeof LISTED_STATIC_FACTS>;

/** An active node secret's lookup: whose it is. */
export interface NodeSecretRow {
  id: string;
  secretHash: string;
  serverId: string;
  group: string | null;
}

/**
 * The active secrets among $1 (a JSON array of hashes) of nodes that are still Ithiltir nodes,
 * with their node's group; marks them used. One statement for a whole batch of lookups.
 */
const LOOKUP_SECRETS_SQL = `WITH found AS (
    SELECT s."id", s."secretHash", s."serverId", v."group"
      FROM "NodeSecret" s JOIN "Server" v ON v."id" = s."serverId"
     WHERE s."secretHash" IN (SELECT json_array_elements_text($1::json))
       AND s."revokedAt" IS NULL AND v."source" = 'ithiltir'
  ), used AS (
    UPDATE "NodeSecret" n SET "lastUsedAt" = now() FROM found WHERE n."id" = found."id"
  )
  SELECT "id", "secretHash", "serverId", "group" FROM found`;

/** The installation's one id, made by the first call ($1): returned only when this call made it. */
const MAKE_INSTALL_ID_SQL = `INSERT INTO "Installation" ("id", "installId") VALUES (1, $1)
  ON CONFLICT ("id") DO NOTHING RETURNING "installId"`;

/**
 * Ithiltir nodes' own SQL: their secrets, their static facts, the Dash installation id. Their
 * servers are `fleet/servers`'s; their reports (snapshots and samples) the metric history's.
 */
@Injectable()
export class NodeStore {
  constructor(private readonly prisma: PrismaService) {}

  /** The installation id: `made` when this call created it. */
  async installId(candidate: string): Promise<{ installId: string; made: boolean }> {
    const made = await this.prisma.$queryRawUnsafe<{ installId: string }[]>(MAKE_INSTALL_ID_SQL, candidate);
    if (made[0]) return { installId: made[0].installId, made: true };
    const existing = await this.prisma.installation.findUniqueOrThrow({ where: { id: 1 } });
    return { installId: existing.installId, made: false };
  }

  /** What the ingest keeps of a node between reports; null when the server is gone. */
  async facts(serverId: string): Promise<NodeFacts | null> {
    const server = await this.prisma.server.findUnique({
      where: { id: serverId },
      select: { agentVersion: true, hostname: true, nodeStatic: { select: { os: true, arch: true, reportIntervalSeconds: true } } },
    });
    if (!server) return null;
    return {
      version: server.agentVersion,
      hostname: server.hostname,
      os: server.nodeStatic?.os ?? null,
      arch: server.nodeStatic?.arch ?? null,
      intervalSeconds: server.nodeStatic?.reportIntervalSeconds ?? null,
    };
  }

  async saveStatic(serverId: string, facts: StaticFactsToStore, tx: DbTransaction): Promise<void> {
    await tx.nodeStatic.upsert({ where: { serverId }, create: { serverId, ...facts }, update: facts });
  }

  staticOf(serverId: string): Promise<NodeStatic | null> {
    return this.prisma.nodeStatic.findUnique({ where: { serverId } });
  }

  /** The listed static facts of these nodes (those that sent theirs). */
  listedStatic(serverIds: string[]): Promise<(ListedStaticFacts & { serverId: string })[]> {
    return this.prisma.nodeStatic.findMany({ where: { serverId: { in: serverIds } }, select: { serverId: true, ...LISTED_STATIC_FACTS } });
  }

  /** Nodes marked online, with their last-seen time and report interval (to watch after a start). */
  async onlineNodes(): Promise<{ id: string; lastSeenAt: Date | null; intervalSeconds: number | null }[]> {
    const rows = await this.prisma.server.findMany({
      where: { source: 'ithiltir', status: 'online' },
      select: { id: true, lastSeenAt: true, nodeStatic: { select: { reportIntervalSeconds: true } } },
    });
    return rows.map((r) => ({ id: r.id, lastSeenAt: r.lastSeenAt, intervalSeconds: r.nodeStatic?.reportIntervalSeconds ?? null }));
  }

  /** When the node was last seen, as every instance's presence wrote it; null when unknown or gone. */
  async lastSeenAt(serverId: string): Promise<Date | null> {
    const row = await this.prisma.server.findUnique({ where: { id: serverId }, select: { lastSeenAt: true } });
    return row?.lastSeenAt ?? null;
  }

  /** Revokes the node's active secrets and adds a new one (by its hash). */
  async replaceSecret(serverId: string, secret: { prefix: string; hash: string; createdById: string | null }, tx: DbTransaction): Promise<void> {
    await this.revokeSecrets(serverId, tx);
    await tx.nodeSecret.create({ data: { serverId, prefix: secret.prefix, secretHash: secret.hash, createdById: secret.createdById } });
  }

  /** Revokes every active secret of the node; returns how many there were. */
  async revokeSecrets(serverId: string, tx: DbTransaction): Promise<number> {
    const { count } = await tx.nodeSecret.updateMany({ where: { serverId, revokedAt: null }, data: { revokedAt: new Date() } });
    return count;
  }

  /** The node's active secret, as lists show it. */
  activeSecret(serverId: string): Promise<{ prefix: string; createdAt: Date; lastUsedAt: Date | null } | null> {
    return this.prisma.nodeSecret.findFirst({
      where: { serverId, revokedAt: null },
      orderBy: { createdAt: 'desc' },
      select: { prefix: true, createdAt: true, lastUsedAt: true },
    });
  }

  /** The active secrets among these hashes, marked used; one statement on the driver. */
  lookupSecrets(hashes: string[]): Promise<NodeSecretRow[]> {
    return this.prisma.queryDirect<NodeSecretRow>(LOOKUP_SECRETS_SQL, [JSON.stringify(hashes)]);
  }
}
