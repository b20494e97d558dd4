import { retentionOf } from '../../platform/retention/retention-job';
import { Module } from '@nestjs/common';
import { FirstAdmin } from './first-admin';
import { UserStore } from './user.store';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

@Module({
  controllers: [UsersController],
  providers: [
    UserStore,
    UsersService,
    retentionOf(UserStore, { name: 'dead refresh tokens', days: (r) => r.refreshTokenDays, deleteBatch: (store, cutoff, limit) => store.deleteDeadTokensBefore(cutoff, limit) }),
  ],
  exports: [UsersService],
})
export class UsersModule {}

/** Users plus the start-up creation of the first admin (the server, not the CLI). */
@Module({ imports: [UsersModule], providers: [FirstAdmin] })
export class FirstAdminModule {}
