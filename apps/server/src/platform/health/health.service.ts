import { Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { PrismaService } from '@pharos/database';
import { PharosConfig } from '../config/pharos-config';

@Injectable()
export class HealthService implements BeforeApplicationShutdown {
  private shuttingDown = false;

  constructor(
    private readonly prisma: PrismaService,
    private readonly config: PharosConfig,
  ) {}

  /**
   * Why this instance should not get traffic now, or null when it should. A database that does
   * not answer within `READY_TIMEOUT_MS` counts as unreachable: the probe is answered in time
   * however long the database hangs.
   */
  async readinessProblem(): Promise<string | null> {
    if (this.shuttingDown) return 'shutting down';
    return (await this.prisma.isReachable(this.config.readyTimeoutMs)) ? null : 'database unreachable';
  }

  beforeApplicationShutdown(): void {
    this.shuttingDown = true;
  }
}
