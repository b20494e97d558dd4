import { Injectable, Logger } from '@nestjs/common';
import { CredentialCache } from '../../../identity/machine-credentials/credential-cache';
import { CredentialThrottle } from '../../../identity/machine-credentials/credential-throttle';
import { PharosConfig } from '../../../platform/config/pharos-config';
import { TooManyRequestsError, UnauthorizedError } from '../../../platform/errors/domain-errors';
import { hashSecret } from '../../../platform/secrets/secret-token';
import { DaemonStore } from '../store/daemon.store';

/** The daemon a Lightd call comes from. */
export interface ReportingDaemon {
  id: string;
  name: string;
}

/** A rotated or revoked token stops working here at once; on other Pharos instances within this. */
const CACHE_TTL_MS = 30_000;
const CACHE_MAX_ENTRIES = 10_000;

/**
 * Finds the daemon a remote token belongs to. Every daemon calls `/health` every 30 s and
 * `/update` on each container change, so known tokens are cached by hash; rotating, revoking
 * or deleting forgets the daemon's entry.
 */
@Injectable()
export class DaemonTokenDirectory {
  private readonly logger = new Logger(DaemonTokenDirectory.name);
  /** Known tokens only: a daemon's token is set before it calls, so a miss is worth asking again. */
  private readonly byHash = new CredentialCache<ReportingDaemon>({
    lookupMany: (hashes) => this.store.byRemoteTokenHash(hashes),
    ttlMs: CACHE_TTL_MS,
    maxEntries: CACHE_MAX_ENTRIES,
    cacheMisses: false,
    onRefreshError: (error) => this.logger.warn({ err: error }, 'could not look a Lightd token up again; the cached answer stands until it expires'),
  });
  /** Failed tokens per address; see `CredentialThrottle` for why known tokens still pass. */
  private readonly throttle: CredentialThrottle;

  constructor(
    private readonly store: DaemonStore,
    config: PharosConfig,
  ) {
    this.throttle = CredentialThrottle.fromConfig(config);
  }

  /**
   * The daemon a remote token belongs to (401 when none). A wrong token counts against the
   * caller's address; an address with too many is answered 429 (Retry-After) for any token
   * that has not authenticated lately, without a lookup.
   */
  async authenticate(token: string, address: string): Promise<ReportingDaemon> {
    const hash = hashSecret(token);
    const checked = await this.throttle.check(address, hash, () => this.byHash.get(hash));
    if ('owner' in checked) return checked.owner;
    if (checked.refused === 'throttled') {
      throw new TooManyRequestsError('too many failed Lightd tokens from this address, try again later', checked.retryAfterSeconds);
    }
    throw new UnauthorizedError('invalid token: no daemon is registered with it');
  }

  /** Drops what is cached for a daemon (its token changed, or it is gone). */
  forget(daemonId: string): void {
    this.byHash.forget((daemon) => daemon.id === daemonId);
  }
}
