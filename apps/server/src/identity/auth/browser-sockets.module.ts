import { Module } from '@nestjs/common';
import { AuthModule } from './auth.module';
import { BrowserSocketAuthenticator } from './browser-socket-auth';

/** What every WebSocket gateway shares: admin authentication of browser sockets. */
@Module({ imports: [AuthModule], providers: [BrowserSocketAuthenticator], exports: [BrowserSocketAuthenticator] })
export class WebSocketsModule {}
