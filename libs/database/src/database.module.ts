import { DynamicModule, Global, Logger, Module, type Provider } from '@nestjs/common';
import { DATABASE_CONNECTION, type DatabaseConnection, type DatabaseTarget, type DatabaseTimeouts, describeTarget, openDatabase } from './database-target';
import { applyPendingMigrations } from './migrations/migrations';
import { PrismaService } from './prisma.service';
import { useLz4Compression } from './storage-tuning';



export interface DatabaseOptions {
  target: DatabaseTarget;
  /** Apply pending migrations before anything queries the database. */
  migrateOnStart: boolean;
  /** Bounds on every wait on PostgreSQL once started (migrations run without them). */
  timeouts?: DatabaseTimeouts;
}


/** Owns the one database connection of the process and the Prisma client over it. */
@Global()
@Module({})
export class DatabaseModule {
  static forRootAsync(options: { inject: unknown[]; useFactory: (...args: any[]) => DatabaseOptions }): DynamicModule {
    const connection: Provider = {
      provide: DATABASE_CONNECTION,
      inject: options.inject as never[],
      useFactory: async (...args: unknown[]): Promise<DatabaseConnection> => {
        const { target, migrateOnStart, timeouts } = options.useFactory(...args);
        const logger = new Logger('Database');
        // A migration may run longer than any statement Pharos runs afterwards: on PostgreSQL
        // migrations get a connection of their own, without the timeouts.
        const separateMigrator = migrateOnStart && target.kind === 'postgres' && timeouts !== undefined;
        if (separateMigrator) {
          const migrator = await openDatabase(target);
          try {
            const applied = await applyPendingMigrations(migrator);
            if (applied.length > 0) logger.log(`Applied migrations: ${applied.join(', ')}`);
          } finally {
            await migrator.close();
          }
        }
        const log = (level: 'info' | 'warn', message: string) => (level === 'warn' ? logger.warn(message) : logger.log(message));
        const db = await openDatabase(target, { timeouts, log });
        logger.log(`Using ${describeTarget(target)}`);
        if (migrateOnStart && !separateMigrator) {
          try {
            const applied = await applyPendingMigrations(db);
            if (applied.length > 0) logger.log(`Applied migrations: ${applied.join(', ')}`);
            await db.afterMigrations?.();
          } catch (error) {
            await db.close();
            throw error;
          }
        }
        await db.completeFirstStart?.();
        if (target.kind === 'postgres') {
          // A tuning: without it (e.g. no right to alter the tables) Pharos only uses more CPU.
          await useLz4Compression(db).then(
            (changed) => changed.length > 0 && logger.log(`lz4 compression for ${changed.join(', ')}`),
            (error: unknown) => logger.warn(`could not set lz4 compression: ${error instanceof Error ? error.message : String(error)}`),
          );
        }
        return db;
      },
    };
    return {
      module: DatabaseModule,
      providers: [connection, PrismaService],
      exports: [DATABASE_CONNECTION, PrismaService],
    };
  }
}
