import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit, Optional } from '@nestjs/common';
import { isDataRefusal } from '@pharos/database';
import type { AgentAuthMessage, AgentLogMessage, AgentMetricsMessage, TerminalAgentMessage } from '@pharos/protocol';
import type { WebSocket } from 'ws';
import { CredentialThrottle } from '../../../identity/machine-credentials/credential-throttle';
import { SharedWindows } from '../../../platform/cluster/shared-windows';
import { PharosConfig } from '../../../platform/config/pharos-config';
import { EventLogService } from '../../../fleet/event-log/event-log.service';
import { GroupCommitter } from '../../../platform/database/group-commit';
import { PrometheusMetrics } from '../../../platform/prometheus/prometheus-metrics';
import { CommandsService } from '../../../fleet/commands/commands.service';
import { TerminalRelayService } from '../../../fleet/terminals/terminal-relay.service';
import { MetricsService, type SampleToRecord } from '../../../fleet/metrics/metrics.service';
import { hashSecret } from '../../../platform/secrets/secret-token';
import { ServerPresenceService } from '../../../fleet/servers/server-presence.service';
import { ServersService } from '../../../fleet/servers/servers.service';
import { AgentKeysService } from '../keys/agent-keys.service';
import { toAgentLogEntry } from './agent-log-line';
import { toAgentSample } from './agent-metrics';
import { AgentSession, AgentSessionRegistry } from './agent-sessions';

/**
 * What an agent connection means for its server: authenticating it, marking the server online
 * and offline (with events), storing its metrics and log lines. The agent socket gateway calls
 * in here; commands are the commands module's business.
 */
/** What became of an agent's auth message. */
export type AgentAuthOutcome = { session: AgentSession } | { refused: 'invalid_key' | 'throttled' };

@Injectable()
export class AgentsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(AgentsService.name);
  private readonly keyThrottle: CredentialThrottle;
  private staleTimer?: NodeJS.Timeout;
  /**
   * Samples from all agents are group committed: those that arrive while a batch is being
   * written go in the next, stored by one statement; each agent's message is handled (and the
   * sample published to browsers) once its batch committed. A batch the database refused for
   * what a sample carried is written again in halves, so only that sample is lost.
   */
  private readonly sampleWrites = new GroupCommitter<SampleToRecord, void>({
    maxBatch: 2000,
    concurrency: 2,
    write: async (samples) => {
      await this.metrics.recordMany(samples);
      return samples.map(() => undefined);
    },
    splitWhen: isDataRefusal,
    onWritten: ({ size, ms, failed }) => this.logger.debug({ samples: size, ms: Math.round(ms * 10) / 10, failed }, 'batch of agent samples written'),
  });

  constructor(
    private readonly keys: AgentKeysService,
    private readonly sessions: AgentSessionRegistry,
    private readonly servers: ServersService,
    private readonly presence: ServerPresenceService,
    private readonly eventLog: EventLogService,
    private readonly metrics: MetricsService,
    private readonly commands: CommandsService,
    private readonly terminals: TerminalRelayService,
    private readonly config: PharosConfig,
    prometheus: PrometheusMetrics,
    @Optional() windows?: SharedWindows,
  ) {
    prometheus.watchGroupCommit('agent_samples', this.sampleWrites);
    this.keyThrottle = CredentialThrottle.fromConfig(config, 'agent-key', windows);
  }

  onModuleInit(): void {
    this.commands.useAgentLink(this.sessions);
    this.terminals.useAgentLink(this.sessions);
    this.staleTimer = setInterval(() => void this.markStaleOffline(), this.config.agentHeartbeatTimeoutSeconds * 1000);
    this.staleTimer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.staleTimer);
    await this.sampleWrites.drain();
  }

  /**
   * A session for a valid key; else why not. A wrong key counts against the agent's address; an
   * address with too many is refused at once for any key that has not authenticated lately
   * (`CredentialThrottle`: agents behind one NAT address keep connecting).
   */
  async authenticate(message: AgentAuthMessage, socket: WebSocket, remoteAddress: string | undefined): Promise<AgentAuthOutcome> {
    const hash = hashSecret(message.api_key);
    const checked = await this.keyThrottle.check(remoteAddress, hash, () => this.keys.verify(message.api_key));
    if (!('owner' in checked)) return { refused: checked.refused === 'throttled' ? 'throttled' : 'invalid_key' };
    const key = checked.owner;
    // An agent authenticates once per connection, however long it lasts: its key counts as
    // known from the end of the connection too, so it reconnects through a throttled address.
    socket.once('close', () => this.keyThrottle.recordSuccess(hash));
    return { session: new AgentSession(key.serverId, key.keyId, key.prefix, socket, remoteAddress, message.capabilities ?? []) };
  }

  /**
   * The agent was told `auth_success`: record what it said about itself, mark its server
   * online (one `agent.connected` event), then make it the server's connection, which
   * replaces an older one, and send it the commands that waited for it.
   */
  async connected(session: AgentSession, hello: AgentAuthMessage): Promise<void> {
    const { serverId } = session;
    const agentVersion = hello.agent_version ?? hello.version;
    if (agentVersion !== undefined || hello.hostname !== undefined) {
      await this.servers.setIdentity(serverId, {
        ...(agentVersion !== undefined ? { agentVersion } : {}),
        ...(hello.hostname !== undefined ? { hostname: hello.hostname } : {}),
      });
    }
    const message = `Agent connected${session.remoteAddress ? ` from ${session.remoteAddress}` : ''}${agentVersion ? ` (version ${agentVersion})` : ''}`;
    const changed = await this.presence.seen(serverId, new Date(), { kind: 'agent.connected', message });
    // Already online (a reconnect that beat the timeout, or a replacement): still worth a line.
    if (!changed) await this.eventLog.record('server', serverId, { kind: 'agent.connected', message });
    this.sessions.register(session);
    this.commands.deliverPending(serverId).catch((error: unknown) => this.logger.error({ err: error, serverId }, 'could not deliver queued commands'));
  }

  /** The socket closed. Marks the server offline unless a newer connection took over. */
  async disconnected(session: AgentSession, code: number): Promise<void> {
    // Its terminals ended with it, replaced or not (the agent ends a connection's PTYs with it).
    this.terminals.agentGone(session);
    if (!this.sessions.unregister(session) || this.sessions.shuttingDown) return;
    const why = session.endReason ?? { kind: 'agent.disconnected', message: `Agent disconnected (close code ${code})` };
    await this.presence.offline(session.serverId, why.message, why.kind);
  }

  /** A pong or any traffic: the agent is alive. */
  async heartbeat(session: AgentSession): Promise<void> {
    session.touch();
    await this.presence.seen(session.serverId);
  }

  /** Stores and publishes a sample; false when the message cannot be read as one, or stored. */
  async metricsReceived(session: AgentSession, message: AgentMetricsMessage): Promise<boolean> {
    const result = toAgentSample(session.serverId, message, new Date(), session.networkCounters);
    if (!result.ok) {
      this.logger.debug({ serverId: session.serverId, reason: result.reason }, 'agent metrics refused');
      return false;
    }
    try {
      await this.sampleWrites.submit({ serverId: session.serverId, sample: result.sample, entitySeries: result.series });
    } catch (error) {
      if (!isDataRefusal(error)) throw error;
      this.logger.debug({ serverId: session.serverId, err: error }, 'agent metrics refused by the database');
      return false;
    }
    await this.presence.seen(session.serverId);
    return true;
  }

  /** A `terminal_*` message: the relay routes it to the connection's own session. */
  terminalMessage(session: AgentSession, message: TerminalAgentMessage): void {
    this.terminals.fromAgent(session, message);
  }

  async logReceived(session: AgentSession, message: AgentLogMessage): Promise<void> {
    await this.eventLog.record('server', session.serverId, toAgentLogEntry(message, new Date()));
  }

  /**
   * Agent servers still marked online although no agent has been heard of for longer than the
   * heartbeat timeout (e.g. Pharos restarted while they were connected and they never came
   * back) are marked offline. Last-seen times come from every Pharos instance's presence.
   */
  async markStaleOffline(): Promise<void> {
    try {
      const slackMs = (this.config.agentHeartbeatTimeoutSeconds + this.config.agentHeartbeatIntervalSeconds + this.config.presenceFlushSeconds) * 1000;
      const stale = await this.presence.silentOnlineAgents(new Date(Date.now() - slackMs), this.sessions.connectedServerIds(), 1000);
      for (const id of stale) {
        if (this.sessions.isConnected(id)) continue;
        await this.presence.offline(id, 'No agent connection (heartbeat timeout)', 'agent.heartbeat_timeout');
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'could not check for silent agents');
    }
  }
}
