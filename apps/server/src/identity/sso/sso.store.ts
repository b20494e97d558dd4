import { Injectable } from '@nestjs/common';
import { type OidcIdentity, PrismaService, type User } from '@pharos/database';
import type { DbTransaction } from '../../platform/database/transactions';

/** An SSO sign-in under way (`OidcSignInAttempt`). */
export interface SignInAttempt {
  stateHash: string;
  nonce: string;
  codeVerifier: string;
  expiresAt: Date;
}

/** Takes an attempt by its state's hash: of two callbacks with one state, one gets the row. */
const TAKE_ATTEMPT_SQL = `DELETE FROM "OidcSignInAttempt" WHERE "stateHash" = $1
    RETURNING "stateHash", "nonce", "codeVerifier", "expiresAt"`;

/** Retention: a batch of attempts that expired before $1 (abandoned at the provider), at most $2. */
const DELETE_EXPIRED_ATTEMPTS_SQL = `DELETE FROM "OidcSignInAttempt" WHERE "stateHash" IN (
    SELECT "stateHash" FROM "OidcSignInAttempt" WHERE "expiresAt" < $1::timestamptz LIMIT $2)`;

/** Single sign-on's SQL: sign-ins under way, and which user each provider account is. */
@Injectable()
export class SsoStore {
  constructor(private readonly prisma: PrismaService) {}

  async saveAttempt(attempt: SignInAttempt): Promise<void> {
    await this.prisma.oidcSignInAttempt.create({ data: attempt });
  }

  /** The attempt, removed so that its state cannot be used again; null when there is none. */
  async takeAttempt(stateHash: string): Promise<SignInAttempt | null> {
    const rows = await this.prisma.$queryRawUnsafe<SignInAttempt[]>(TAKE_ATTEMPT_SQL, stateHash);
    return rows[0] ?? null;
  }

  /** At most `limit` attempts that expired before `cutoff`; returns how many went. */
  deleteExpiredAttemptsBefore(cutoff: Date, limit: number): Promise<number> {
    return this.prisma.$executeRawUnsafe(DELETE_EXPIRED_ATTEMPTS_SQL, cutoff.toISOString(), limit);
  }

  /** The user a provider account is linked to. */
  findIdentity(issuer: string, subject: string): Promise<(OidcIdentity & { user: User }) | null> {
    return this.prisma.oidcIdentity.findUnique({ where: { issuer_subject: { issuer, subject } }, include: { user: true } });
  }

  /** Links a user to a provider account; Prisma's P2002 when the account is linked already. */
  linkIdentity(link: { userId: string; issuer: string; subject: string }, tx: DbTransaction): Promise<OidcIdentity> {
    return tx.oidcIdentity.create({ data: link });
  }

  /** The provider account a user is linked to at `issuer`, if any. */
  identityOf(userId: string, issuer: string, db: DbTransaction = this.prisma): Promise<OidcIdentity | null> {
    return db.oidcIdentity.findFirst({ where: { userId, issuer } });
  }

  /** Removes the user's link at `issuer`; returns how many went (0 or 1). */
  async unlinkIdentity(userId: string, issuer: string, tx: DbTransaction): Promise<number> {
    return (await tx.oidcIdentity.deleteMany({ where: { userId, issuer } })).count;
  }

  async touchIdentity(id: string, at: Date): Promise<void> {
    await this.prisma.oidcIdentity.update({ where: { id }, data: { lastSignInAt: at } });
  }
}
