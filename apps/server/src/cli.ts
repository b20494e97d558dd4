import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  applyPendingMigrations,
  createMigration,
  type DatabaseConnection,
  type DatabaseTarget,
  describeTarget,
  diffMigrationsToSchema,
  openDatabase,
} from '@pharos/database';
import { ConfigError, loadConfig, readEnvironment } from './platform/config/load-config';
import { PharosConfig } from './platform/config/pharos-config';
import { DomainError } from './platform/errors/domain-errors';
import { PlatformModule } from './platform/platform.module';
import { AuditModule } from './identity/audit/audit.module';
import { generatePassword } from './identity/users/password-hasher';
import { UsersModule } from './identity/users/users.module';
import { UsersService } from './identity/users/users.service';

const USAGE = `usage: npm run pharos -- <command>

  db:migrate                       apply pending migrations to the configured database
  db:migration <name>              write prisma/migrations/<timestamp>_<name> from the schema diff
  db:diff                          print the SQL between the migrations and schema.prisma (exit 2 if any)
  user:create <username> [--role admin|viewer] [--password <pw>]
  user:password <username> [--password <pw>]
                                   without --password, one is generated and printed once

The database is the one Pharos uses: DATABASE_URL, or embedded PGlite under PHAROS_DATA_DIR.`;

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function withDatabase<T>(target: DatabaseTarget, work: (db: DatabaseConnection) => Promise<T>): Promise<T> {
  const db = await openDatabase(target, { log: (_level, message) => process.stderr.write(`pharos: ${message}\n`) });
  try {
    const result = await work(db);
    // A new embedded database (e.g. `db:migrate` before the first start) is kept.
    await db.completeFirstStart?.();
    return result;
  } finally {
    await db.close();
  }
}

async function withUsers<T>(config: PharosConfig, work: (users: UsersService) => Promise<T>): Promise<T> {
  @Module({
    imports: [
      // Password changes are audited; nothing listens to the process's event bus.
      PlatformModule.forRoot(config),
      AuditModule,
      UsersModule,
    ],
  })
  class CliModule {}
  const context = await NestFactory.createApplicationContext(CliModule, { logger: ['error', 'warn'] });
  try {
    return await work(context.get(UsersService));
  } finally {
    await context.close();
  }
}

async function run(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  const config = loadConfig(readEnvironment());
  switch (command) {
    case 'db:migrate': {
      const applied = await withDatabase(config.database, (db) => applyPendingMigrations(db));
      console.log(
        applied.length ? `Applied ${applied.length} migration(s) to ${describeTarget(config.database)}:\n  ${applied.join('\n  ')}` : `${describeTarget(config.database)} is up to date.`,
      );
      return 0;
    }
    case 'db:migration': {
      const name = rest[0];
      if (!name || !/^[a-z0-9_]+$/i.test(name)) {
        console.error('db:migration needs a name of letters, digits and _ (e.g. add_alert_rules)');
        return 1;
      }
      // Only the shadow database is used; without a server, an in-memory PGlite serves.
      const target: DatabaseTarget = config.database.kind === 'postgres' ? config.database : { kind: 'pglite', dataDir: 'memory://' };
      const folder = await withDatabase(target, (db) => createMigration(db, name));
      console.log(folder ? `Wrote ${folder}/migration.sql` : 'No schema change: no migration written.');
      return 0;
    }
    case 'db:diff': {
      const target: DatabaseTarget = config.database.kind === 'postgres' ? config.database : { kind: 'pglite', dataDir: 'memory://' };
      const script = await withDatabase(target, (db) => diffMigrationsToSchema(db));
      if (!script) {
        console.log('The migrations produce exactly schema.prisma.');
        return 0;
      }
      console.log(script);
      return 2;
    }
    case 'user:create':
    case 'user:password': {
      const username = rest[0];
      if (!username) {
        console.error(USAGE);
        return 1;
      }
      const given = option(rest, '--password');
      const password = given ?? generatePassword();
      await withUsers(config, async (users) => {
        if (command === 'user:create') {
          const role = option(rest, '--role') ?? 'admin';
          if (role !== 'admin' && role !== 'viewer') throw new ConfigError('--role', 'must be admin or viewer');
          await users.create(username, password, role);
          console.log(`Created ${role} "${username}".`);
        } else {
          await users.setPassword(username, password);
          console.log(`Set a new password for "${username}"; their sessions were signed out.`);
        }
      });
      if (!given) console.log(`Password (shown once): ${password}`);
      return 0;
    }
    default:
      console.error(USAGE);
      return command === undefined || command === 'help' || command === '--help' ? 0 : 1;
  }
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError || error instanceof DomainError) console.error(`pharos: ${error.message}`);
    else console.error(`pharos: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
