import { Injectable } from '@nestjs/common';
import { type OidcIdentity, Prisma, type User } from '@pharos/database';
import type { OidcIdentityView } from '@pharos/protocol';
import { PharosConfig } from '../../platform/config/pharos-config';
import { Transactions } from '../../platform/database/transactions';
import { ConflictError, NotFoundError } from '../../platform/errors/domain-errors';
import { isUuid } from '../../platform/http/uuid';
import { type AuditActor, AuditLogService } from '../audit/audit-log.service';
import { UsersService } from '../users/users.service';
import { SsoStore } from './sso.store';

export function toOidcIdentityView(identity: OidcIdentity): OidcIdentityView {
  return { issuer: identity.issuer, subject: identity.subject, createdAt: identity.createdAt.toISOString(), lastSignInAt: identity.lastSignInAt.toISOString() };
}

/**
 * Admins link users to provider accounts by hand: with auto-provisioning off, the only way an
 * SSO sign-in finds a user; with it on, a way to give an existing (password) user SSO. A
 * user has at most one link at the configured provider; a provider account, one user.
 */
@Injectable()
export class SsoLinksService {
  constructor(
    private readonly store: SsoStore,
    private readonly users: UsersService,
    private readonly transactions: Transactions,
    private readonly audit: AuditLogService,
    private readonly config: PharosConfig,
  ) {}

  async identityOf(userId: string): Promise<OidcIdentity> {
    const user = await this.user(userId);
    const identity = await this.store.identityOf(user.id, this.issuer());
    if (!identity) throw new NotFoundError(`"${user.username}" is not linked to an account at ${this.issuer()}`);
    return identity;
  }

  /** Links the user to `subject` (replacing their link, if any); 409 when another user has it. */
  async link(actor: AuditActor, userId: string, subject: string): Promise<OidcIdentity> {
    const issuer = this.issuer();
    const user = await this.user(userId);
    try {
      return await this.transactions.run(async (tx) => {
        await this.store.unlinkIdentity(user.id, issuer, tx);
        const identity = await this.store.linkIdentity({ userId: user.id, issuer, subject }, tx);
        await this.audit.record(actor, 'user.oidc_link', { type: 'user', id: user.id }, { username: user.username, issuer, subject }, tx);
        return identity;
      });
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
        throw new ConflictError(`subject "${subject}" at ${issuer} is linked to another user already`, 'subject');
      }
      throw error;
    }
  }

  /** Removes the user's link: SSO no longer signs them in (their password, if they know one, still does). */
  async unlink(actor: AuditActor, userId: string): Promise<void> {
    const issuer = this.issuer();
    const user = await this.user(userId);
    await this.transactions.run(async (tx) => {
      if ((await this.store.unlinkIdentity(user.id, issuer, tx)) === 0) throw new NotFoundError(`"${user.username}" is not linked to an account at ${issuer}`);
      await this.audit.record(actor, 'user.oidc_unlink', { type: 'user', id: user.id }, { username: user.username, issuer }, tx);
    });
  }

  private issuer(): string {
    if (!this.config.oidc) throw new NotFoundError('single sign-on is not configured (OIDC_ISSUER)');
    return this.config.oidc.issuer;
  }

  private async user(id: string): Promise<User> {
    const user = isUuid(id) ? await this.users.findById(id) : null;
    if (!user) throw new NotFoundError(`no user ${id}`);
    return user;
  }
}
