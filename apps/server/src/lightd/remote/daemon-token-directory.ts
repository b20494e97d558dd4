import { Injectable } from '@nestjs/common';
import { PrismaService } from '@pharos/database';
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

  constructor(private readonly prisma: PrismaService) {}

  async find(token: string): Promise<ReportingDaemon | null> {
    const hash = hashSecret(token);
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
