import { Injectable } from '@nestjs/common';
import { type ApiToken, PrismaService, type User } from '@pharos/database';
import type { DbTransaction } from '../../platform/database/transactions';

/** A token to store: only its hash, never the token. */
export interface NewApiTokenRow {
  userId: string;
  name: string;
  tokenHash: string;
  prefix: string;
  scopes: string[];
  userTokenVersion: number;
  expiresAt: Date;
}

/** Retention: a batch of tokens that expired or were revoked before $1, at most $2. */
const DELETE_DEAD_TOKENS_BEFORE_SQL = `DELETE FROM "ApiToken" WHERE "id" IN (
    SELECT "id" FROM "ApiToken" WHERE "expiresAt" < $1::timestamptz OR "revokedAt" < $1::timestamptz LIMIT $2)`;

/** Personal API tokens: created, looked up by hash (with their user, one query), revoked, purged. */
@Injectable()
export class ApiTokenStore {
  constructor(private readonly prisma: PrismaService) {}

  create(row: NewApiTokenRow, tx: DbTransaction): Promise<ApiToken> {
    return tx.apiToken.create({ data: row });
  }

  /** The user's tokens not yet purged, the newest first. */
  listOf(userId: string): Promise<ApiToken[]> {
    return this.prisma.apiToken.findMany({ where: { userId }, orderBy: { createdAt: 'desc' } });
  }

  /** How many of the user's tokens still work (neither revoked nor expired). */
  countLive(userId: string, now: Date): Promise<number> {
    return this.prisma.apiToken.count({ where: { userId, revokedAt: null, expiresAt: { gt: now } } });
  }

  /** A token by its hash, with its user. */
  byHash(tokenHash: string): Promise<(ApiToken & { user: User }) | null> {
    return this.prisma.apiToken.findUnique({ where: { tokenHash }, include: { user: true } });
  }

  /** Revokes the user's token unless it is revoked already; null when there is no such live token. */
  async revoke(userId: string, id: string, at: Date, tx: DbTransaction): Promise<ApiToken | null> {
    const revoked = await tx.apiToken.updateMany({ where: { id, userId, revokedAt: null }, data: { revokedAt: at } });
    return revoked.count > 0 ? tx.apiToken.findUnique({ where: { id } }) : null;
  }

  /** Records a use, unless one was recorded within the last `minGapMs` (by another instance too). */
  async touch(id: string, at: Date, ip: string, minGapMs: number): Promise<void> {
    const since = new Date(at.getTime() - minGapMs);
    await this.prisma.apiToken.updateMany({ where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: since } }] }, data: { lastUsedAt: at, lastUsedIp: ip } });
  }

  /** At most `limit` tokens that expired or were revoked before `cutoff`; returns how many went. */
  deleteDeadBefore(cutoff: Date, limit: number): Promise<number> {
    return this.prisma.$executeRawUnsafe(DELETE_DEAD_TOKENS_BEFORE_SQL, cutoff.toISOString(), limit);
  }
}
