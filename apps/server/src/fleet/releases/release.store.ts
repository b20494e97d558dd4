import { Injectable } from '@nestjs/common';
import { type NodeRelease, type NodeUpgradeToken, PrismaService, type ReleaseOffer, type ReleaseTarget, type ReleaseTargetScope, type ServerStatus } from '@pharos/database';
import type { DbTransaction } from '../../platform/database/transactions';

/** A release as it is recorded once its file is stored. */
export type ReleaseToStore = Omit<NodeRelease, 'id' | 'createdAt'>;

/** Whom a target aims at: all nodes, one group, or one server. */
export interface TargetScope {
  scope: ReleaseTargetScope;
  group: string | null;
  serverId: string | null;
}

/** A node as a rollout report shows it: its server and the os/arch its static facts say. */
export interface RolloutNode {
  id: string;
  name: string;
  group: string | null;
  status: ServerStatus;
  agentVersion: string | null;
  nodeStatic: { os: string; arch: string } | null;
}

/** An upgrade token as kept: its hash, whom and which file it is for, until when. */
export type UpgradeTokenToStore = Pick<NodeUpgradeToken, 'tokenHash' | 'serverId' | 'releaseId' | 'path' | 'createdAt' | 'expiresAt'>;

/** Retention: a batch of upgrade tokens that expired before $1, at most $2 (by the index on "expiresAt"). */
const DELETE_EXPIRED_TOKENS_BEFORE_SQL = `DELETE FROM "NodeUpgradeToken" WHERE "id" IN (
    SELECT "id" FROM "NodeUpgradeToken" WHERE "expiresAt" < $1::timestamptz ORDER BY "expiresAt" LIMIT $2)`;

/** $1 a node's server id, $2 the version it reports: its offers of that version are adopted. */
const MARK_ADOPTED_SQL = `UPDATE "ReleaseOffer" AS o SET "adoptedAt" = now()
    FROM "NodeRelease" AS r
   WHERE r."id" = o."releaseId" AND o."serverId" = $1::uuid AND r."version" = $2 AND o."adoptedAt" IS NULL`;

/**
 * Node releases' SQL: the uploaded builds, the targets that say which nodes should run which
 * version, and the offers made to nodes. Rollouts read the nodes (servers and their static
 * facts) as they are; nothing here writes them.
 */
@Injectable()
export class ReleaseStore {
  constructor(private readonly prisma: PrismaService) {}

  // ---------------------------------------------------------------- upgrade tokens

  async createUpgradeToken(token: UpgradeTokenToStore): Promise<void> {
    await this.prisma.nodeUpgradeToken.create({ data: token });
  }

  /** The token of this hash, marked used now when it is still valid for `path`; null otherwise. */
  async useUpgradeToken(tokenHash: string, path: string, now: Date): Promise<NodeUpgradeToken | null> {
    const { count } = await this.prisma.nodeUpgradeToken.updateMany({ where: { tokenHash, path, expiresAt: { gt: now } }, data: { usedAt: now } });
    return count === 0 ? null : this.prisma.nodeUpgradeToken.findUnique({ where: { tokenHash } });
  }

  /** The newest token issued to each node for a build of `version`. */
  async latestUpgradeTokens(version: string): Promise<Map<string, NodeUpgradeToken>> {
    const rows = await this.prisma.nodeUpgradeToken.findMany({ where: { release: { version } }, orderBy: { createdAt: 'asc' } });
    return new Map(rows.map((row) => [row.serverId, row]));
  }

  /** At most `limit` tokens that expired before `cutoff`; returns how many went. */
  deleteExpiredTokensBefore(cutoff: Date, limit: number): Promise<number> {
    return this.prisma.$executeRawUnsafe(DELETE_EXPIRED_TOKENS_BEFORE_SQL, cutoff.toISOString(), limit);
  }

  // ---------------------------------------------------------------- releases

  release(id: string): Promise<NodeRelease | null> {
    return this.prisma.nodeRelease.findUnique({ where: { id } });
  }

  /** The release of a version built for an os and arch. */
  build(version: string, os: string, arch: string): Promise<NodeRelease | null> {
    return this.prisma.nodeRelease.findUnique({ where: { version_os_arch: { version, os, arch } } });
  }

  /** The release served as /deploy/<os>/<fileName>. */
  byFile(os: string, fileName: string): Promise<NodeRelease | null> {
    return this.prisma.nodeRelease.findUnique({ where: { os_fileName: { os, fileName } } });
  }

  /** Newest first. */
  releases(): Promise<NodeRelease[]> {
    return this.prisma.nodeRelease.findMany({ orderBy: [{ createdAt: 'desc' }, { os: 'asc' }, { arch: 'asc' }] });
  }

  async hasVersion(version: string): Promise<boolean> {
    return (await this.prisma.nodeRelease.count({ where: { version } })) > 0;
  }

  createRelease(release: ReleaseToStore, tx: DbTransaction): Promise<NodeRelease> {
    return tx.nodeRelease.create({ data: release });
  }

  async deleteRelease(id: string, tx: DbTransaction): Promise<void> {
    await tx.nodeRelease.delete({ where: { id } });
  }

  // ---------------------------------------------------------------- targets

  target(id: string): Promise<ReleaseTarget | null> {
    return this.prisma.releaseTarget.findUnique({ where: { id } });
  }

  /** Newest first. */
  targets(): Promise<ReleaseTarget[]> {
    return this.prisma.releaseTarget.findMany({ orderBy: { createdAt: 'desc' } });
  }

  /** One target of `version` per scope, in the given order. */
  createTargets(version: string, scopes: TargetScope[], createdBy: string, tx: DbTransaction): Promise<ReleaseTarget[]> {
    return Promise.all(scopes.map((scope) => tx.releaseTarget.create({ data: { ...scope, version, createdBy } })));
  }

  async deleteTarget(id: string, tx: DbTransaction): Promise<void> {
    await tx.releaseTarget.delete({ where: { id } });
  }

  /** Every target and every release, for deciding offers. */
  async catalog(): Promise<{ targets: ReleaseTarget[]; releases: NodeRelease[] }> {
    const [targets, releases] = await Promise.all([this.prisma.releaseTarget.findMany(), this.prisma.nodeRelease.findMany()]);
    return { targets, releases };
  }

  // ---------------------------------------------------------------- offers and nodes

  /** Records that the node was offered the release (first time, or once more). */
  async recordOffer(releaseId: string, serverId: string, fromVersion: string, db: DbTransaction = this.prisma): Promise<void> {
    const now = new Date();
    await db.releaseOffer.upsert({
      where: { releaseId_serverId: { releaseId, serverId } },
      create: { releaseId, serverId, fromVersion, firstOfferedAt: now, lastOfferedAt: now },
      update: { lastOfferedAt: now, timesOffered: { increment: 1 } },
    });
  }

  /** The node now reports `version`: its offers of that version are adopted. */
  async markAdopted(serverId: string, version: string, db: DbTransaction = this.prisma): Promise<void> {
    await db.$executeRawUnsafe(MARK_ADOPTED_SQL, serverId, version);
  }

  /** The offers of releases of a version. */
  offersOf(version: string): Promise<ReleaseOffer[]> {
    return this.prisma.releaseOffer.findMany({ where: { release: { version } } });
  }

  /** Which of these ids are Ithiltir nodes. */
  async nodesAmong(ids: string[]): Promise<string[]> {
    const found = await this.prisma.server.findMany({ where: { id: { in: ids }, source: 'ithiltir' }, select: { id: true } });
    return found.map((f) => f.id);
  }

  /** Every Ithiltir node, by name, as a rollout report shows it. */
  rolloutNodes(): Promise<RolloutNode[]> {
    return this.prisma.server.findMany({
      where: { source: 'ithiltir' },
      select: { id: true, name: true, group: true, status: true, agentVersion: true, nodeStatic: { select: { os: true, arch: true } } },
      orderBy: [{ name: 'asc' }, { id: 'asc' }],
    });
  }
}
