import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { DATABASE_CONNECTION, type DatabaseConnection } from './database-target';
import { PrismaClient } from './generated/prisma/client';

/** The Prisma client of the process, over the driver adapter of the configured database. */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  constructor(@Inject(DATABASE_CONNECTION) private readonly connection: DatabaseConnection) {
    super({ adapter: connection.adapterFactory });
  }

  /** True when the database answers a trivial query. */
  async isReachable(): Promise<boolean> {
    try {
      await this.$queryRaw`SELECT 1`;
      return true;
    } catch {
      return false;
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
    await this.connection.close();
  }
}
