import { Logger } from '@nestjs/common';
import { isDatabaseUnavailable } from '@pharos/database';
import { type OnGatewayConnection, type OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import {
  AGENT_WS_PATH,
  type AgentAuthSuccess,
  AgentCloseCode,
  AgentErrorText,
  agentAuthMessage,
  type AgentMessageType,
  agentMessageValidators,
  terminalAgentMessageValidators,
  unstorableTextError,
} from '@pharos/protocol';
import type { IncomingMessage } from 'node:http';
import type { RawData, WebSocket, WebSocketServer } from 'ws';
import { CommandsService } from '../../../fleet/commands/commands.service';
import { PharosConfig } from '../../../platform/config/pharos-config';
import { DatabaseOutage } from '../../../platform/database/database-outage';
import { closeWithError, parseJsonFrame, sendJson } from '../../../platform/websockets/json-socket';
import { markAuthenticated } from '../../../platform/websockets/socket-limits';
import type { AgentSession } from './agent-sessions';
import { AgentsService } from './agents.service';
import { MessageRateLimit } from '../../../platform/websockets/message-rate-limit';

/**
 * The agent WebSocket (docs/protocols/agent-websocket.md). The first message must be `auth` with the agent's API key;
 * then each message is validated by its `type` and handed to the service that owns it. A
 * connection's messages are handled one after another, in the order they came.
 */
@WebSocketGateway({ path: AGENT_WS_PATH })
export class AgentsGateway implements OnGatewayInit, OnGatewayConnection {
  private readonly logger = new Logger(AgentsGateway.name);

  constructor(
    private readonly agents: AgentsService,
    private readonly commands: CommandsService,
    private readonly config: PharosConfig,
    private readonly outage: DatabaseOutage,
  ) {}

  afterInit(server: WebSocketServer): void {
    // `ws` closes a socket (1009) on a bigger message before buffering all of it.
    server.options.maxPayload = this.config.agentMaxMessageBytes;
  }

  handleConnection(socket: WebSocket, request: IncomingMessage): void {
    const remoteAddress = clientAddress(request, this.config.trustProxy);
    const rate = new MessageRateLimit(this.config.agentMessagesPerSecond, this.config.agentMessageBurst);
    let state: 'awaiting_auth' | 'authenticating' | 'ready' | 'refused' = 'awaiting_auth';
    let session: AgentSession | undefined;
    // One chain per connection keeps messages in order and runs the close after them.
    let chain: Promise<unknown> = Promise.resolve();
    const enqueue = (work: () => Promise<unknown>) => {
      chain = chain.then(work).catch((error: unknown) => {
        // A database outage is logged once per interval (`DatabaseOutage`), not per message.
        if (isDatabaseUnavailable(error)) this.outage.refused(error);
        else this.logger.error({ err: error, serverId: session?.serverId }, 'agent message failed');
      });
    };

    const authTimer = setTimeout(() => {
      if (state === 'awaiting_auth') {
        state = 'refused';
        closeWithError(socket, AgentCloseCode.Unauthorized, AgentErrorText.AuthTimeout);
      }
    }, this.config.wsAuthTimeoutSeconds * 1000);

    // Every frame takes from the agent's message cap, pings and pongs too: `ws` answers each
    // ping by itself, and a pong costs a heartbeat write (issue 17: 400,000 pongs, and it stayed).
    const withinRate = (): boolean => {
      if (state === 'refused') return false;
      if (rate.take()) return true;
      state = 'refused';
      const why = { kind: 'agent.flood', message: 'Agent disconnected: it sent more messages than allowed' };
      if (session) session.end(AgentCloseCode.TooManyMessages, AgentErrorText.TooManyMessages, why);
      else closeWithError(socket, AgentCloseCode.TooManyMessages, AgentErrorText.TooManyMessages);
      return false;
    };

    socket.on('message', (data: RawData, isBinary: boolean) => {
      if (!withinRate()) return;
      session?.touch();
      const message = parseJsonFrame(data, isBinary);
      if (state === 'awaiting_auth') {
        clearTimeout(authTimer);
        const auth = agentAuthMessage.validate(message);
        // A hostname or version PostgreSQL cannot store (NUL, a lone surrogate): as malformed as a missing key.
        if (!auth.ok || unstorableTextError(message) !== null) {
          state = 'refused';
          const saidAuth = (message as { type?: unknown } | undefined)?.type === 'auth';
          closeWithError(socket, AgentCloseCode.Unauthorized, saidAuth ? AgentErrorText.InvalidApiKey : AgentErrorText.AuthRequired);
          return;
        }
        state = 'authenticating';
        enqueue(async () => {
          const accepted = await this.agents.authenticate(auth.value, socket, remoteAddress).catch((error: unknown) => {
            // The agent retries with backoff; better than a socket that never answers.
            this.logger.error({ err: error }, 'agent authentication failed');
            closeWithError(socket, 1011, 'Internal error');
            return undefined;
          });
          if (accepted === undefined) {
            state = 'refused';
            return;
          }
          if ('refused' in accepted) {
            state = 'refused';
            const text = accepted.refused === 'throttled' ? AgentErrorText.AuthThrottled : AgentErrorText.InvalidApiKey;
            closeWithError(socket, AgentCloseCode.Unauthorized, text);
            return;
          }
          if (socket.readyState !== socket.OPEN) return;
          session = accepted.session;
          const hello: AgentAuthSuccess = { type: 'auth_success', server_id: session.serverId, message: 'Connected successfully' };
          sendJson(socket, hello);
          markAuthenticated(socket);
          state = 'ready';
          await this.agents.connected(session, auth.value);
        });
        return;
      }
      // After the auth work above: what an agent sends before auth_success waits for it.
      enqueue(() => (session ? this.dispatch(session, message) : Promise.resolve()));
    });

    socket.on('error', (error: Error & { code?: string }) => {
      // `ws` closed the socket (1009) over a message bigger than AGENT_WS_MAX_MESSAGE_BYTES.
      if (session && error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
        session.endReason ??= { kind: 'agent.message_too_large', message: 'Agent disconnected: it sent a message over the size cap' };
      }
    });

    socket.on('ping', withinRate);
    socket.on('pong', () => {
      if (withinRate() && session) enqueue(() => this.agents.heartbeat(session!));
    });

    socket.on('close', (code: number) => {
      clearTimeout(authTimer);
      enqueue(async () => {
        if (session) await this.agents.disconnected(session, code);
      });
    });
  }

  private async dispatch(session: AgentSession, message: unknown): Promise<void> {
    const type = (message as { type?: unknown } | undefined)?.type;
    // The terminal extension: bytes (base64), never stored, for an agent that announced it.
    if (typeof type === 'string' && Object.hasOwn(terminalAgentMessageValidators, type) && session.capabilities.includes('terminal')) {
      const terminal = terminalAgentMessageValidators[type as keyof typeof terminalAgentMessageValidators].validate(message);
      if (!terminal.ok) {
        this.logger.debug({ serverId: session.serverId, type, error: terminal.error }, 'invalid terminal message');
        session.send({ type: 'error', message: AgentErrorText.InvalidMessage });
        return;
      }
      this.agents.terminalMessage(session, terminal.value);
      return;
    }
    const validator = typeof type === 'string' && Object.hasOwn(agentMessageValidators, type) ? agentMessageValidators[type as AgentMessageType] : undefined;
    const parsed = validator?.validate(message);
    // A sample, log line or command output holding text PostgreSQL cannot store (NUL, a lone
    // surrogate, in a value or a key) would fail its insert, or the batch it was written with.
    const invalid = !parsed ? 'unknown type' : !parsed.ok ? parsed.error : unstorableTextError(message);
    if (!parsed?.ok || invalid) {
      this.logger.debug({ serverId: session.serverId, type, error: invalid }, 'invalid agent message');
      session.send({ type: 'error', message: AgentErrorText.InvalidMessage });
      return;
    }
    const value = parsed.value;
    switch (value.type) {
      case 'metrics':
        if (!(await this.agents.metricsReceived(session, value))) session.send({ type: 'error', message: AgentErrorText.InvalidMessage });
        return;
      case 'command_response':
        await this.commands.recordShellResult(session.serverId, value);
        return;
      case 'docker_response':
        await this.commands.recordDockerResult(session.serverId, value);
        return;
      case 'log':
        await this.agents.logReceived(session, value);
        return;
      case 'ping':
        session.send({ type: 'pong' });
        await this.agents.heartbeat(session);
        return;
      default:
        await this.agents.heartbeat(session);
    }
  }
}

/** The agent's address, from the proxy's X-Forwarded-For when Pharos is told to trust it. */
function clientAddress(request: IncomingMessage, trustProxy: boolean): string | undefined {
  const forwarded = request.headers['x-forwarded-for'];
  if (trustProxy && typeof forwarded === 'string' && forwarded.trim()) return forwarded.split(',')[0]!.trim();
  return request.socket.remoteAddress?.replace(/^::ffff:/, '');
}
