import { Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { PrismaService } from '@pharos/database';

@Injectable()
export class HealthService implements BeforeApplicationShutdown {
  private shuttingDown = false;

  constructor(private readonly prisma: PrismaService) {}

  /** Why this instance should not get traffic now, or null when it should. */
  async readinessProblem(): Promise<string | null> {
    if (this.shuttingDown) return 'shutting down';
    return (await this.prisma.isReachable()) ? null : 'database unreachable';
  }

  beforeApplicationShutdown(): void {
    this.shuttingDown = true;
  }
}
