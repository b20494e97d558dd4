import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit, Optional } from '@nestjs/common';
import { CredentialCache } from '../../../identity/machine-credentials/credential-cache';
import { CredentialThrottle } from '../../../identity/machine-credentials/credential-throttle';
import { SharedWindows } from '../../../platform/cluster/shared-windows';
import { PharosConfig } from '../../../platform/config/pharos-config';
import { TooManyRequestsError, UnauthorizedError } from '../../../platform/errors/domain-errors';
import { FleetEventBus } from '../../../platform/events/fleet-event-bus';
import { hashSecret } from '../../../platform/secrets/secret-token';
import { DaemonStore } from '../store/daemon.store';

/** The daemon a Lightd call comes from. */
export interface ReportingDaemon {
  id: string;
  name: string;
  /** The server the daemon is shown as (alerts about its containers are raised there). */
  serverId: string;
}

/** A rotated or revoked token stops working here at once; on other Pharos instances within this. */
const CACHE_TTL_MS = 30_000;
const CACHE_MAX_ENTRIES = 10_000;

/**
 * Finds the daemon a remote token belongs to. Every daemon calls `/health` every 30 s and
 * `/update` on each container change, so known tokens are cached by hash; a daemon's entry is
 * forgotten when its token changes (`daemon.token-changed`) or it is deleted (`daemon.deleted`).
 */
@Injectable()
export class DaemonTokenDirectory implements OnModuleInit, OnModuleDestroy {
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
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly store: DaemonStore,
    private readonly bus: FleetEventBus,
    config: PharosConfig,
    @Optional() windows?: SharedWindows,
  ) {
    this.throttle = CredentialThrottle.fromConfig(config, 'lightd-token', windows);
  }

  onModuleInit(): void {
    const forget = (_: unknown, daemonId: string) => this.forget(daemonId);
    this.unsubscribe.push(this.bus.subscribeAll('daemon.deleted', forget), this.bus.subscribeAll('daemon.token-changed', forget));
  }

  onModuleDestroy(): void {
    for (const off of this.unsubscribe.splice(0)) off();
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
  private forget(daemonId: string): void {
    this.byHash.forget((daemon) => daemon.id === daemonId);
  }
}
