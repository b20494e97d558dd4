import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService, type RefreshToken, type User, type UserRole } from '@pharos/database';
import type { DbTransaction } from '../../platform/database/transactions';

/** What an admin's change writes to an account (absent fields stay). */
export interface AccountChanges {
  role?: UserRole;
  disabledAt?: Date | null;
  sessionsEndedAt?: Date;
  /** Revokes every access token issued so far (see `User.tokenVersion`). */
  revokeAccessTokens?: boolean;
}

/** A new refresh token of a sign-in (only its hash is stored). */
export interface NewSession {
  userId: string;
  familyId: string;
  tokenHash: string;
  expiresAt: Date;
  userAgent?: string;
  ip?: string;
}

/** The ids of the enabled admins, each row locked until the transaction ends. */
const LOCK_ENABLED_ADMINS_SQL = Prisma.sql`SELECT id FROM "User" WHERE role = 'admin' AND "disabledAt" IS NULL ORDER BY id FOR UPDATE`;

/**
 * Admin accounts and their sessions (the refresh tokens of each sign-in): the users module ends
 * sessions when it disables a user or resets a password, also from the command line, where
 * the auth module is not loaded; the auth module rotates them through `UsersService`.
 */
/**
 * Retention: a batch of refresh tokens that expired, or were revoked (a used one is), before
 * $1, at most $2. Until then a reused token is still recognised (its family revoked).
 */
const DELETE_DEAD_TOKENS_BEFORE_SQL = `DELETE FROM "RefreshToken" WHERE "id" IN (
    SELECT "id" FROM "RefreshToken" WHERE "expiresAt" < $1::timestamptz OR "revokedAt" < $1::timestamptz LIMIT $2)`;

@Injectable()
export class UserStore {
  constructor(private readonly prisma: PrismaService) {}

  /** At most `limit` refresh tokens that expired or were revoked before `cutoff`; returns how many went. */
  deleteDeadTokensBefore(cutoff: Date, limit: number): Promise<number> {
    return this.prisma.$executeRawUnsafe(DELETE_DEAD_TOKENS_BEFORE_SQL, cutoff.toISOString(), limit);
  }

  create(account: { username: string; passwordHash: string; role: UserRole }, tx: DbTransaction): Promise<User> {
    return tx.user.create({ data: account });
  }

  find(id: string, db: DbTransaction = this.prisma): Promise<User | null> {
    return db.user.findUnique({ where: { id } });
  }

  findByUsername(username: string): Promise<User | null> {
    return this.prisma.user.findUnique({ where: { username } });
  }

  list(): Promise<User[]> {
    return this.prisma.user.findMany({ orderBy: { createdAt: 'asc' } });
  }

  count(): Promise<number> {
    return this.prisma.user.count();
  }

  /** Locks every enabled admin for the rest of the transaction; returns their ids. */
  async lockEnabledAdmins(tx: DbTransaction): Promise<string[]> {
    const rows = await tx.$queryRaw<{ id: string }[]>(LOCK_ENABLED_ADMINS_SQL);
    return rows.map((row) => row.id);
  }

  update(id: string, changes: AccountChanges, tx: DbTransaction): Promise<User> {
    const { revokeAccessTokens, ...data } = changes;
    return tx.user.update({ where: { id }, data: { ...data, ...(revokeAccessTokens ? { tokenVersion: { increment: 1 } } : {}) } });
  }

  /** A new password; every access token issued before is revoked. */
  setPassword(id: string, passwordHash: string, at: Date, tx: DbTransaction): Promise<User> {
    return tx.user.update({ where: { id }, data: { passwordHash, passwordChangedAt: at, tokenVersion: { increment: 1 } } });
  }

  // ---------------------------------------------------------------- sessions (refresh tokens)

  startSession(session: NewSession): Promise<RefreshToken> {
    return this.prisma.refreshToken.create({ data: session });
  }

  /** A refresh token by its hash, with its user. */
  session(tokenHash: string): Promise<(RefreshToken & { user: User }) | null> {
    return this.prisma.refreshToken.findUnique({ where: { tokenHash }, include: { user: true } });
  }

  /** Marks a token used (and revoked) unless it was already; false when it was. */
  async claimSession(id: string, at: Date): Promise<boolean> {
    const claimed = await this.prisma.refreshToken.updateMany({ where: { id, usedAt: null, revokedAt: null }, data: { usedAt: at, revokedAt: at } });
    return claimed.count > 0;
  }

  /** Revokes the tokens of one sign-in that are not revoked yet. */
  async endSessionFamily(familyId: string, at: Date): Promise<void> {
    await this.prisma.refreshToken.updateMany({ where: { familyId, revokedAt: null }, data: { revokedAt: at } });
  }

  /** Revokes every token of the user that is not revoked yet. */
  async endSessions(userId: string, at: Date, tx: DbTransaction): Promise<void> {
    await tx.refreshToken.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: at } });
  }
}
