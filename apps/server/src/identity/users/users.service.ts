import { Injectable, Logger } from '@nestjs/common';
import { Prisma, type RefreshToken, type User, type UserRole } from '@pharos/database';
import type { PasswordReset, UserChanges, UserView } from '@pharos/protocol';
import { ConflictError, InvalidInputError, NotFoundError } from '../../platform/errors/domain-errors';
import { type AuditActor, AuditLogService } from '../audit/audit-log.service';
import { type DbTransaction, Transactions } from '../../platform/database/transactions';
import { FleetEventBus, type UserAccessChange } from '../../platform/events/fleet-event-bus';
import { isUuid } from '../../platform/http/uuid';
import { generatePassword, hashPassword } from './password-hasher';
import { type AccountChanges, type NewSession, UserStore } from './user.store';

export type { UserView };

export const USERNAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9._@-]{1,63}$/;
export const MIN_PASSWORD_LENGTH = 8;

const TARGET_TYPE = 'user';

export function toUserView(user: User): UserView {
  return { id: user.id, username: user.username, role: user.role, createdAt: user.createdAt.toISOString(), disabled: user.disabledAt !== null };
}

@Injectable()
export class UsersService {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    private readonly store: UserStore,
    private readonly transactions: Transactions,
    private readonly audit: AuditLogService,
    private readonly bus: FleetEventBus,
  ) {}

  /** A new account; audited when an admin (not start-up or the command line) creates it. */
  async create(username: string, password: string, role: UserRole, actor?: AuditActor): Promise<User> {
    validateCredentials(username, password);
    const passwordHash = await hashPassword(password);
    try {
      return await this.transactions.run(async (tx) => {
        const user = await this.store.create({ username, passwordHash, role }, tx);
        if (actor) await this.audit.record(actor, 'user.create', { type: TARGET_TYPE, id: user.id }, { username, role }, tx);
        return user;
      });
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
        throw new ConflictError(`user "${username}" already exists`);
      }
      throw error;
    }
  }

  /** Sets a new password (command line); tokens issued before it stop working. */
  async setPassword(username: string, password: string): Promise<User> {
    validateCredentials(username, password);
    const user = await this.store.findByUsername(username);
    if (!user) throw new NotFoundError(`user "${username}" does not exist`);
    return (await this.resetPassword(null, user.id, password)).user;
  }

  /**
   * An admin's changes to an account. Disabling ends every session of the user at once
   * (refresh tokens revoked, access tokens refused, sockets closed). An admin cannot lock
   * themselves out, and the last enabled admin stays one: both are 409s.
   */
  async update(actor: AuditActor, id: string, changes: UserChanges): Promise<User> {
    if (changes.role === undefined && changes.disabled === undefined) {
      throw new InvalidInputError('nothing to change: give role and/or disabled');
    }
    const { user, changed } = await this.transactions.run(async (tx) => {
      // Locks every enabled admin, so two admins demoting each other at once cannot both
      // succeed: the second waits, then counts without the first one's target.
      const enabledAdmins = await this.store.lockEnabledAdmins(tx);
      const target = await this.find(id, tx);
      const wasEnabledAdmin = target.role === 'admin' && target.disabledAt === null;
      const staysEnabledAdmin = (changes.role ?? target.role) === 'admin' && !(changes.disabled ?? target.disabledAt !== null);
      if (wasEnabledAdmin && !staysEnabledAdmin) {
        const what = changes.disabled ? 'disabled' : 'demoted';
        if (!enabledAdmins.some((adminId) => adminId !== target.id)) {
          throw new ConflictError(`"${target.username}" is the last enabled admin and cannot be ${what}: make another user an admin first`);
        }
        if (target.id === actor.id) {
          throw new ConflictError(changes.disabled ? 'you cannot disable your own account' : 'you cannot remove your own admin role');
        }
      }

      const now = new Date();
      const changed: { role?: { from: UserRole; to: UserRole }; disabled?: boolean } = {};
      const data: AccountChanges = {};
      if (changes.role !== undefined && changes.role !== target.role) {
        changed.role = { from: target.role, to: changes.role };
        data.role = changes.role;
      }
      if (changes.disabled !== undefined && changes.disabled !== (target.disabledAt !== null)) {
        changed.disabled = changes.disabled;
        data.disabledAt = changes.disabled ? now : null;
        if (changes.disabled) {
          // Access tokens issued so far stay refused, also once the user is enabled again. A
          // role change needs no such step: every request reads the role afresh.
          data.sessionsEndedAt = now;
          data.revokeAccessTokens = true;
          await this.store.endSessions(id, now, tx);
        }
      }
      if (Object.keys(changed).length === 0) return { user: target, changed };
      const user = await this.store.update(id, data, tx);
      await this.audit.record(actor, 'user.update', { type: TARGET_TYPE, id }, { username: user.username, ...changed }, tx);
      return { user, changed };
    });
    // After the commit: sockets the user holds close (and reconnect only if they still may).
    if (changed.disabled) this.accessChanged(id, 'disabled');
    else if (changed.role) this.accessChanged(id, 'role');
    return user;
  }

  /**
   * A new password, given or generated (then answered once). Every session of the user ends:
   * refresh tokens are revoked and access tokens issued before are refused.
   */
  async resetPassword(actor: AuditActor | null, id: string, password?: string): Promise<{ user: User; password?: string }> {
    const generated = password === undefined ? generatePassword() : undefined;
    const newPassword = password ?? generated!;
    if (newPassword.length < MIN_PASSWORD_LENGTH) {
      throw new InvalidInputError(`password must be at least ${MIN_PASSWORD_LENGTH} characters`, 'password');
    }
    const passwordHash = await hashPassword(newPassword);
    const user = await this.transactions.run(async (tx) => {
      await this.find(id, tx);
      const now = new Date();
      await this.store.endSessions(id, now, tx);
      const updated = await this.store.setPassword(id, passwordHash, now, tx);
      await this.audit.record(actor, 'user.password_reset', { type: TARGET_TYPE, id }, { username: updated.username, generated: generated !== undefined }, tx);
      return updated;
    });
    this.accessChanged(id, 'password');
    return { user, password: generated };
  }

  /**
   * An account for a single sign-on user, created with `link` (which ties it to the provider's
   * account) in one transaction. Its password is random and never shown: the user signs in
   * with SSO, unless an admin resets it. A taken name throws Prisma's P2002, as a taken link does.
   */
  async createForSingleSignOn(username: string, role: UserRole, link: (user: User, tx: DbTransaction) => Promise<unknown>): Promise<User> {
    const passwordHash = await hashPassword(generatePassword());
    return this.transactions.run(async (tx) => {
      const user = await this.store.create({ username, passwordHash, role }, tx);
      await link(user, tx);
      await this.audit.record(null, 'user.create', { type: TARGET_TYPE, id: user.id }, { username, role, via: 'oidc' }, tx);
      return user;
    });
  }

  /**
   * The role the provider's claims give an SSO user, applied at each of their sign-ins
   * (audited, and their open sockets re-checked, when it changed).
   */
  async applyRoleFromSingleSignOn(user: User, role: UserRole): Promise<User> {
    if (user.role === role) return user;
    const updated = await this.transactions.run(async (tx) => {
      const changed = await this.store.update(user.id, { role }, tx);
      await this.audit.record(null, 'user.update', { type: TARGET_TYPE, id: user.id }, { username: user.username, role: { from: user.role, to: role }, via: 'oidc' }, tx);
      return changed;
    });
    this.accessChanged(user.id, 'role');
    return updated;
  }

  findByUsername(username: string): Promise<User | null> {
    return this.store.findByUsername(username);
  }

  findById(id: string): Promise<User | null> {
    return this.store.find(id);
  }

  list(): Promise<User[]> {
    return this.store.list();
  }

  /**
   * On the first start with no user at all, creates `admin` with the configured password or
   * a generated one. Returns the generated password so the caller can show it, once.
   */
  async ensureFirstAdmin(configuredPassword?: string): Promise<{ username: string; password?: string } | null> {
    if ((await this.store.count()) > 0) return null;
    const password = configuredPassword ?? generatePassword();
    try {
      await this.create('admin', password, 'admin');
    } catch (error) {
      // Another instance starting on the same database created it first.
      if (error instanceof ConflictError) return null;
      throw error;
    }
    this.logger.log('Created the first admin account "admin"');
    return { username: 'admin', password: configuredPassword ? undefined : password };
  }

  // ---------------------------------------------------------------- sessions
  // A sign-in is a family of single-use refresh tokens; the auth module rotates them.

  /** Stores a new refresh token of a sign-in. */
  async startSession(session: NewSession): Promise<void> {
    await this.store.startSession(session);
  }

  /** A refresh token by its hash, with its user. */
  session(tokenHash: string): Promise<(RefreshToken & { user: User }) | null> {
    return this.store.session(tokenHash);
  }

  /** Uses a refresh token up: true for the one caller that did (of two concurrent uses, one wins). */
  claimSession(id: string, at: Date): Promise<boolean> {
    return this.store.claimSession(id, at);
  }

  /** Ends one sign-in: every token of its family is revoked. */
  endSessionFamily(familyId: string): Promise<void> {
    return this.store.endSessionFamily(familyId, new Date());
  }

  private async find(id: string, tx: DbTransaction): Promise<User> {
    const user = isUuid(id) ? await this.store.find(id, tx) : null;
    if (!user) throw new NotFoundError(`no user ${id}`);
    return user;
  }

  private accessChanged(id: string, reason: UserAccessChange['reason']): void {
    this.bus.publish('access', id, { reason });
  }
}

/** The answer to a password reset: the account, and the password only if Pharos made it up. */
export function toPasswordReset(result: { user: User; password?: string }): PasswordReset {
  return { user: toUserView(result.user), ...(result.password !== undefined && { password: result.password }) };
}

function validateCredentials(username: string, password: string): void {
  if (!USERNAME_PATTERN.test(username)) {
    throw new InvalidInputError('username must be 2-64 characters: letters, digits, . _ @ -', 'username');
  }
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new InvalidInputError(`password must be at least ${MIN_PASSWORD_LENGTH} characters`, 'password');
  }
}
