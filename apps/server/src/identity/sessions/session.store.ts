import { Injectable } from '@nestjs/common';
import { PrismaService, type User } from '@pharos/database';

/** A session as stored: a refresh-token family summed up by its live (newest) token. */
export interface SessionRow {
  familyId: string;
  createdAt: Date;
  lastUsedAt: Date;
  expiresAt: Date;
  userAgent: string | null;
  ip: string | null;
}

/**
 * The signed-in devices of a user: each sign-in is a family of single-use refresh tokens
 * (`identity/users/user.store.ts` writes them as they rotate), listed and ended here. A family
 * is live while its newest token is neither revoked nor expired; it was *ended* when it holds a
 * token revoked without being used (logout, a revoked session, a reused token, the user
 * disabled): rotation marks a token used as it revokes it, so a live family never has one.
 */
@Injectable()
export class SessionStore {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * The user, and whether the session `familyId` was ended, in one query: every request with
   * an access token asks both (`AccessTokenService.checkClaims`).
   */
  async userWithSession(userId: string, familyId: string): Promise<{ user: User; sessionEnded: boolean } | null> {
    const rows = await this.prisma.$queryRaw<(User & { sessionEnded: boolean })[]>`
      SELECT u.*, EXISTS (
          SELECT 1 FROM "RefreshToken" r
          WHERE r."familyId" = ${familyId}::uuid AND r."userId" = u.id AND r."revokedAt" IS NOT NULL AND r."usedAt" IS NULL
        ) AS "sessionEnded"
      FROM "User" u WHERE u.id = ${userId}::uuid`;
    const row = rows[0];
    if (!row) return null;
    const { sessionEnded, ...user } = row;
    return { user, sessionEnded };
  }

  /** The user's live sessions, the most recently used first. */
  live(userId: string, now: Date): Promise<SessionRow[]> {
    return this.prisma.$queryRaw<SessionRow[]>`
      SELECT r."familyId", f."createdAt", r."createdAt" AS "lastUsedAt", r."expiresAt", r."userAgent", r.ip
      FROM "RefreshToken" r
      JOIN (SELECT "familyId", min("createdAt") AS "createdAt" FROM "RefreshToken" WHERE "userId" = ${userId}::uuid GROUP BY "familyId") f
        ON f."familyId" = r."familyId"
      WHERE r."userId" = ${userId}::uuid AND r."revokedAt" IS NULL AND r."expiresAt" > ${now}
      ORDER BY r."createdAt" DESC`;
  }

  /** Ends one live session of the user; false when it is not theirs or not live. */
  async endOne(userId: string, familyId: string, at: Date): Promise<boolean> {
    const ended = await this.prisma.refreshToken.updateMany({ where: { userId, familyId, revokedAt: null, expiresAt: { gt: at } }, data: { revokedAt: at } });
    return ended.count > 0;
  }

  /** Ends every live session of the user but `keep` (when given); returns the ended ones. */
  async endAllBut(userId: string, keep: string | undefined, at: Date): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<{ familyId: string }[]>`
      UPDATE "RefreshToken" SET "revokedAt" = ${at}
      WHERE "userId" = ${userId}::uuid AND "revokedAt" IS NULL AND "expiresAt" > ${at}
        AND "familyId" IS DISTINCT FROM ${keep ?? null}::uuid
      RETURNING "familyId"`;
    return [...new Set(rows.map((row) => row.familyId))];
  }
}
