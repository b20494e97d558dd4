import { Injectable } from '@nestjs/common';
import { PrismaService } from '@pharos/database';
import { CredentialThrottle } from '../../auth/credential-throttle';
import { PharosConfig } from '../../config/pharos-config';
import { TooManyRequestsError, UnauthorizedError } from '../../errors/domain-errors';
import { hashSecret } from '../../secrets/secret-token';

/** The daemon a Lightd call comes from. */
export interface ReportingDaemon {
  id: string;
  name: string;
}

/** A rotated or revoked token stops working here at once; on other Pharos instances within this. */
const CACHE_TTL_MS = 30_000;

/**
 * Finds the daemon a remote token belongs to. Every daemon calls `/health` every 30 s and
 * `/update` on each container change, so known tokens are cached by hash; rotating, revoking
 * or deleting forgets the daemon's entry.
 */
@Injectable()
export class DaemonTokenDirectory {
  private readonly byHash = new Map<string, { daemon: ReportingDaemon; until: number }>();
  /** Failed tokens per address; see `CredentialThrottle` for why known tokens still pass. */
  private readonly throttle: CredentialThrottle;

  constructor(
    private readonly prisma: PrismaService,
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
    const checked = await this.throttle.check(address, hash, () => this.find(hash));
    if ('owner' in checked) return checked.owner;
    if (checked.refused === 'throttled') {
      throw new TooManyRequestsError('too many failed Lightd tokens from this address, try again later', checked.retryAfterSeconds);
    }
    throw new UnauthorizedError('invalid token: no daemon is registered with it');
  }

  private async find(hash: string): Promise<ReportingDaemon | null> {
    const cached = this.byHash.get(hash);
    if (cached && cached.until > Date.now()) return cached.daemon;
    this.byHash.delete(hash);
    const daemon = await this.prisma.lightdDaemon.findUnique({ where: { remoteTokenHash: hash }, select: { id: true, name: true } });
    if (daemon) this.byHash.set(hash, { daemon, until: Date.now() + CACHE_TTL_MS });
    return daemon;
  }

  /** Drops what is cached for a daemon (its token changed, or it is gone). */
  forget(daemonId: string): void {
    for (const [hash, entry] of this.byHash) if (entry.daemon.id === daemonId) this.byHash.delete(hash);
  }
}
