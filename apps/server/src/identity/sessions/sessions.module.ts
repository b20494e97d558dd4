import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { SessionStore } from './session.store';
import { SessionsController } from './sessions.controller';
import { SessionsService } from './sessions.service';

/** Signed-in devices (refresh-token families): listed, ended one by one or all at once. */
@Module({
  imports: [UsersModule],
  controllers: [SessionsController],
  providers: [SessionStore, SessionsService],
  exports: [SessionStore],
})
export class SessionsModule {}
