import { Logger } from '@nestjs/common';
import { type OnGatewayConnection, WebSocketGateway } from '@nestjs/websockets';
import {
  CONTAINER_CONSOLE_WS_PATH,
  type ConsoleProxyServerMessage,
  decodeLightdContainerCommand,
  describeWireError,
  FrontendCloseCode,
  unstorableTextError,
} from '@pharos/protocol';
import type { IncomingMessage } from 'node:http';
import type { RawData, WebSocket } from 'ws';
import { ClusterMembership } from '../../../platform/cluster/cluster-membership';
import { DomainError, NotFoundError } from '../../../platform/errors/domain-errors';
import { BrowserSocketAuthenticator } from '../../../identity/auth/browser-socket-auth';
import { closeWithError, parseJsonFrame, sendJson } from '../../../platform/websockets/json-socket';
import { wsPathParams } from '../../../platform/websockets/ws-path';
import { type ConsoleSession, ContainerConsoleHub } from './container-console-hub';
import type { ConsoleViewer } from './daemon-console-link';

/** Client messages are small (a command line); a larger frame is refused by `ws` itself. */
const MAX_BROWSER_FRAME_BYTES = 64 * 1024;
/** Frames a browser may send before its console is attached (auth included). */
const MAX_EARLY_FRAMES = 32;
/** A browser this far behind on console output is disconnected rather than buffered without end. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
const POLICY_VIOLATION = 1008;
const TRY_AGAIN_LATER = 1013;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The admin's console of a Lightd container: `/api/v1/ws/containers/{id}/console`. The first
 * message authenticates; then Lightd's client messages go to the daemon (validated, one at a
 * time, in order) and its container events come back, through `ContainerConsoleHub`.
 */
@WebSocketGateway({ path: CONTAINER_CONSOLE_WS_PATH, maxPayload: MAX_BROWSER_FRAME_BYTES })
export class ContainerConsoleGateway implements OnGatewayConnection {
  private readonly logger = new Logger(ContainerConsoleGateway.name);

  constructor(
    private readonly authenticator: BrowserSocketAuthenticator,
    private readonly hub: ContainerConsoleHub,
    membership: ClusterMembership,
  ) {
    membership.gauge('consoles', () => this.hub.viewerCount());
  }

  async handleConnection(socket: WebSocket, request: IncomingMessage): Promise<void> {
    // Frames are kept from the start: a browser may send commands right behind its auth
    // message, before authentication and attaching are done.
    const early: [RawData, boolean][] = [];
    let session: ConsoleSession | null = null;
    let inOrder = Promise.resolve();
    const handle = (data: RawData, isBinary: boolean) => {
      inOrder = inOrder
        .then(() => this.handleFrame(socket, session!, data, isBinary))
        .catch((error: unknown) => this.logger.error({ err: error }, 'console frame handling failed'));
    };
    socket.on('message', (data, isBinary) => {
      if (session) return handle(data, isBinary);
      if (early.length < MAX_EARLY_FRAMES) early.push([data, isBinary]);
      else closeWithError(socket, POLICY_VIOLATION, 'too many messages before the console was attached');
    });

    const user = await this.authenticator.authenticate(socket);
    if (!user) return;
    early.shift(); // the auth message
    const { containerId = '' } = wsPathParams(CONTAINER_CONSOLE_WS_PATH, request.url);
    const viewer: ConsoleViewer = {
      user,
      send: (message) => {
        if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
          closeWithError(socket, TRY_AGAIN_LATER, 'the browser is not keeping up with the console output');
          return;
        }
        sendJson(socket, message);
      },
      close: (code, message) => closeWithError(socket, code, message),
    };
    try {
      if (!UUID.test(containerId)) throw new NotFoundError(`no Lightd container ${containerId}`);
      session = await this.hub.attach(containerId, viewer);
    } catch (error) {
      if (!(error instanceof DomainError)) this.logger.error({ err: error }, 'could not attach a console');
      closeWithError(socket, FrontendCloseCode.Forbidden, error instanceof DomainError ? error.message : 'the console could not be opened');
      return;
    }
    if (socket.readyState !== socket.OPEN) return session.detach();
    socket.once('close', () => session?.detach());
    for (const [data, isBinary] of early.splice(0)) handle(data, isBinary);
  }

  private async handleFrame(socket: WebSocket, session: ConsoleSession, data: RawData, isBinary: boolean): Promise<void> {
    const message = parseJsonFrame(data, isBinary);
    const decoded = decodeLightdContainerCommand(message);
    // A command holding text PostgreSQL cannot store could not be recorded (audit, event log),
    // so it is not sent either.
    const error = decoded.ok ? unstorableTextError(message) : decoded.error;
    if (error) {
      reply(socket, { type: 'error', message: describeWireError(error) });
      return;
    }
    if (!decoded.ok) return;
    try {
      await session.relay(decoded.value);
      reply(socket, { type: 'relayed', event: decoded.value.event });
    } catch (error) {
      if (!(error instanceof DomainError)) this.logger.error({ err: error }, 'could not relay a console message');
      reply(socket, { type: 'error', message: error instanceof DomainError ? error.message : 'the message could not be relayed' });
    }
  }
}

/** Pharos's own answer to a browser's message, in the console protocol's types. */
function reply(socket: WebSocket, message: ConsoleProxyServerMessage): void {
  sendJson(socket, message);
}
