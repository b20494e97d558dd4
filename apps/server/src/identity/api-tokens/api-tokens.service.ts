import { Injectable, Logger } from '@nestjs/common';
import type { ApiToken } from '@pharos/database';
import { API_TOKEN_SCOPES, type ApiTokenScope, type ApiTokenView, type CreatedApiToken, type NewApiToken } from '@pharos/protocol';
import { Transactions } from '../../platform/database/transactions';
import { ConflictError, ForbiddenError, NotFoundError, UnauthorizedError } from '../../platform/errors/domain-errors';
import { isUuid } from '../../platform/http/uuid';
import { generateSecret, hashSecret, secretPrefix } from '../../platform/secrets/secret-token';
import type { AuthenticatedUser } from '../access/authenticated-user';
import { scopesAllowedFor } from '../access/api-token-scope';
import { AuditLogService } from '../audit/audit-log.service';
import { UsersService } from '../users/users.service';
import { ApiTokenStore } from './api-token.store';

export type { ApiTokenView, CreatedApiToken };

/** What every personal API token starts with: the guard tells them from JWTs by it. */
export const API_TOKEN_PREFIX = 'pat_';

/** A use is written at most this often per token: a script calling every second costs no write per call. */
export const LAST_USE_WRITE_GAP_MS = 60_000;

/** Live tokens one user may hold: enough for every script, not an unbounded table. */
export const MAX_LIVE_TOKENS_PER_USER = 50;

const TARGET_TYPE = 'api_token';

export function toApiTokenView(token: ApiToken): ApiTokenView {
  return {
    id: token.id,
    name: token.name,
    prefix: token.prefix,
    scopes: knownScopes(token.scopes),
    createdAt: token.createdAt.toISOString(),
    expiresAt: token.expiresAt.toISOString(),
    revokedAt: token.revokedAt?.toISOString() ?? null,
    lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
    lastUsedIp: token.lastUsedIp,
  };
}

/**
 * Personal API tokens for automation: `pat_…`, shown once, only their hash kept. A token acts
 * as its user, narrowed to its scopes: it can never do more than the user's role allows (the
 * guard checks both on every request), stops while the user is disabled, and ends for good
 * when the user's `tokenVersion` is bumped (password reset, account disabled), like every
 * session. Ending sessions leaves tokens alone: they are revoked one by one.
 */
@Injectable()
export class ApiTokensService {
  private readonly logger = new Logger(ApiTokensService.name);

  constructor(
    private readonly store: ApiTokenStore,
    private readonly users: UsersService,
    private readonly transactions: Transactions,
    private readonly audit: AuditLogService,
  ) {}

  async create(actor: AuthenticatedUser, input: NewApiToken): Promise<CreatedApiToken> {
    const allowed = scopesAllowedFor(actor.role);
    const refused = input.scopes.find((scope) => !allowed.includes(scope));
    if (refused) throw new ForbiddenError(`a ${actor.role} cannot give a token the scope "${refused}"`);
    const user = await this.users.findById(actor.id);
    if (!user) throw new NotFoundError('user no longer exists');
    const now = new Date();
    if ((await this.store.countLive(user.id, now)) >= MAX_LIVE_TOKENS_PER_USER) {
      throw new ConflictError(`at most ${MAX_LIVE_TOKENS_PER_USER} API tokens may work at once: revoke one first`);
    }
    const token = generateSecret(API_TOKEN_PREFIX);
    const scopes = API_TOKEN_SCOPES.filter((scope) => input.scopes.includes(scope));
    const created = await this.transactions.run(async (tx) => {
      const row = await this.store.create(
        {
          userId: user.id,
          name: input.name,
          tokenHash: hashSecret(token),
          prefix: secretPrefix(token),
          scopes,
          userTokenVersion: user.tokenVersion,
          expiresAt: new Date(now.getTime() + input.expiresInDays * 86_400_000),
        },
        tx,
      );
      await this.audit.record(actor, 'api_token.create', { type: TARGET_TYPE, id: row.id }, { name: row.name, scopes, expiresAt: row.expiresAt.toISOString() }, tx);
      return row;
    });
    return { apiToken: toApiTokenView(created), token };
  }

  async list(userId: string): Promise<ApiTokenView[]> {
    return (await this.store.listOf(userId)).map(toApiTokenView);
  }

  async revoke(actor: AuthenticatedUser, id: string): Promise<ApiTokenView> {
    const revoked = await this.transactions.run(async (tx) => {
      const row = isUuid(id) ? await this.store.revoke(actor.id, id, new Date(), tx) : null;
      if (!row) throw new NotFoundError(`no API token ${id} that is not revoked already`);
      await this.audit.record(actor, 'api_token.revoke', { type: TARGET_TYPE, id }, { name: row.name }, tx);
      return row;
    });
    return toApiTokenView(revoked);
  }

  /** The user an API token acts for, or `UnauthorizedError` saying why not. */
  async authenticate(token: string, ip: string): Promise<AuthenticatedUser> {
    const row = await this.store.byHash(hashSecret(token));
    const now = new Date();
    if (!row) throw new UnauthorizedError('invalid API token');
    if (row.revokedAt) throw new UnauthorizedError('API token revoked');
    if (row.expiresAt <= now) throw new UnauthorizedError('API token expired');
    if (row.user.disabledAt) throw new UnauthorizedError('user no longer exists or is disabled');
    if (row.userTokenVersion !== row.user.tokenVersion) {
      throw new UnauthorizedError('API token revoked: its user\'s password was reset or account disabled; create a new one');
    }
    if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USE_WRITE_GAP_MS) {
      // Not awaited: the request does not wait for bookkeeping; a lost write is the next one's.
      this.store.touch(row.id, now, ip, LAST_USE_WRITE_GAP_MS).catch((error: unknown) => this.logger.warn(`could not record the use of API token ${row.id}: ${(error as Error).message}`));
    }
    const { user } = row;
    return {
      id: user.id,
      username: user.username,
      role: user.role,
      tokenExpiresAt: row.expiresAt.getTime(),
      apiToken: { id: row.id, name: row.name, scopes: knownScopes(row.scopes) },
    };
  }
}

/** The scopes of a stored token that this version knows (an unknown one grants nothing). */
function knownScopes(scopes: string[]): ApiTokenScope[] {
  return API_TOKEN_SCOPES.filter((scope) => scopes.includes(scope));
}
