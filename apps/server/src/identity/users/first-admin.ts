import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { PharosConfig } from '../../platform/config/pharos-config';
import { UsersService } from './users.service';

/** Makes sure a fresh installation can be logged into: creates the first admin at start-up. */
@Injectable()
export class FirstAdmin implements OnApplicationBootstrap {
  constructor(
    private readonly users: UsersService,
    private readonly config: PharosConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const created = await this.users.ensureFirstAdmin(this.config.adminPassword);
    if (created?.password) {
      // Printed once, to the terminal, never into the structured log.
      process.stdout.write(
        [
          '',
          '  ┌─────────────────────────────────────────────────────────────┐',
          '  │ Pharos: first admin account created                         │',
          `  │   username: ${created.username.padEnd(48)}│`,
          `  │   password: ${created.password.padEnd(48)}│`,
          '  │ This password is shown once. Change it with                 │',
          '  │   npm run pharos -- user:password admin                     │',
          '  └─────────────────────────────────────────────────────────────┘',
          '',
        ].join('\n') + '\n',
      );
    }
  }
}
