import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { AgentCloseCode, AgentErrorText, type AgentServerMessage } from '@pharos/protocol';
import type { WebSocket } from 'ws';
import { PharosConfig } from '../../../platform/config/pharos-config';
import { ClusterMembership } from '../../../platform/cluster/cluster-membership';
import { FleetEventBus } from '../../../platform/events/fleet-event-bus';
import { closeWithError, sendJson } from '../../../platform/websockets/json-socket';
import type { AgentLink } from '../../../fleet/commands/agent-link';
import type { TerminalAgentLink, TerminalChannel } from '../../../fleet/terminals/terminal-link';
import type { NetworkCounterMemory } from './agent-metrics';

/** How long shutting down waits for agents to answer the close (then it goes on regardless). */
const CLOSE_HANDSHAKE_WAIT_MS = 2000;

/**
 * How long a revoked key is remembered for agents still between `auth_success` and `register`
 * (their server is being marked online): far longer than that step ever takes.
 */
const REVOKED_KEY_MEMORY_MS = 5 * 60_000;

/** Why a session ended, as the server's event log will say it. */
export interface AgentSessionEnd {
  kind: string;
  message: string;
}

/** One authenticated agent connection: the server it speaks for and its per-connection state. */
export class AgentSession implements TerminalChannel {
  readonly connectedAt = Date.now();
  lastTrafficAt = Date.now();
  /** Set by whoever ends the session on purpose; a plain disconnect leaves it unset. */
  endReason?: AgentSessionEnd;
  readonly networkCounters: NetworkCounterMemory = new Map();

  constructor(
    readonly serverId: string,
    readonly keyId: string,
    /** The key's first characters, to name it in the server's event log. */
    readonly keyPrefix: string,
    readonly socket: WebSocket,
    readonly remoteAddress: string | undefined,
    /** The protocol extensions its auth message announced (`AGENT_CAPABILITIES`). */
    readonly capabilities: readonly string[] = [],
  ) {}

  touch(): void {
    this.lastTrafficAt = Date.now();
  }

  send(message: AgentServerMessage): boolean {
    return sendJson(this.socket, message);
  }

  get open(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  /** Sends the error, closes, and remembers why (first reason wins). */
  end(code: number, message: string, why?: AgentSessionEnd): void {
    this.endReason ??= why;
    closeWithError(this.socket, code, message);
  }
}

/**
 * The agent connections of this Pharos process, one per server: the newest authenticated
 * connection of a server replaces the older one. It pings every agent and drops one that has
 * been silent past the heartbeat timeout, and closes the agent of a revoked key or a deleted
 * server (`agent-key.revoked`, `server.deleted`). It holds no business rules: services register
 * sessions and send through it.
 */
@Injectable()
export class AgentSessionRegistry implements AgentLink, TerminalAgentLink, OnModuleInit, OnModuleDestroy {
  private readonly sessions = new Map<string, AgentSession>();
  /** Keys revoked lately (id → when), for `register`. */
  private readonly revokedKeys = new Map<string, number>();
  private heartbeat?: NodeJS.Timeout;
  private stopping = false;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly config: PharosConfig,
    private readonly bus: FleetEventBus,
    membership?: ClusterMembership,
  ) {
    membership?.gauge('agents', () => this.sessions.size);
  }

  onModuleInit(): void {
    this.unsubscribe.push(
      this.bus.subscribeAll('agent-key.revoked', (_, keyId) => this.keyRevoked(keyId)),
      this.bus.subscribeAll('server.deleted', (_, serverId) => this.serverDeleted(serverId)),
    );
    this.heartbeat = setInterval(() => this.checkHeartbeats(), this.config.agentHeartbeatIntervalSeconds * 1000);
    this.heartbeat.unref();
  }

  /**
   * Closes every agent with 1001 (they reconnect, through the proxy to another instance of a
   * cluster) before the database goes away, and waits a little for the close handshakes: a
   * process that exits with an agent's close reply unread resets the connection, and the agent
   * would see 1006 instead of being told.
   */
  async onModuleDestroy(): Promise<void> {
    for (const off of this.unsubscribe.splice(0)) off();
    this.stopping = true;
    clearInterval(this.heartbeat);
    const closed: Promise<unknown>[] = [];
    for (const session of this.sessions.values()) {
      if (session.socket.readyState !== session.socket.CLOSED) closed.push(new Promise((resolve) => session.socket.once('close', resolve)));
      session.end(AgentCloseCode.GoingAway, AgentErrorText.ShuttingDown);
    }
    this.sessions.clear();
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_HANDSHAKE_WAIT_MS)));
    timer?.unref();
    await Promise.race([Promise.all(closed), waited]);
    clearTimeout(timer);
  }

  /** True once Pharos is shutting down: closes then are not the agents' doing. */
  get shuttingDown(): boolean {
    return this.stopping;
  }

  /**
   * Makes `session` its server's connection, closing the one it replaces. A key revoked while
   * the agent was being admitted (after its key was checked, before this) closes it here.
   */
  register(session: AgentSession): void {
    const previous = this.sessions.get(session.serverId);
    this.sessions.set(session.serverId, session);
    if (previous && previous !== session) {
      previous.end(AgentCloseCode.Replaced, AgentErrorText.Replaced, { kind: 'agent.replaced', message: 'Replaced by a newer connection' });
    }
    if (this.revokedKeys.has(session.keyId)) this.keyRevoked(session.keyId);
  }

  /** Forgets a closed session; true when it was still its server's current connection. */
  unregister(session: AgentSession): boolean {
    if (this.sessions.get(session.serverId) !== session) return false;
    this.sessions.delete(session.serverId);
    return true;
  }

  get(serverId: string): AgentSession | undefined {
    const session = this.sessions.get(serverId);
    return session?.open ? session : undefined;
  }

  isConnected(serverId: string): boolean {
    return this.get(serverId) !== undefined;
  }

  /** `AgentLink`: the commands module sends through this registry. */
  holds(serverId: string): boolean {
    return this.isConnected(serverId);
  }

  /** `TerminalAgentLink`: the terminal relay opens sessions on the connection this returns. */
  terminalChannel(serverId: string): TerminalChannel | 'not_connected' | 'no_terminal' {
    const session = this.get(serverId);
    if (!session) return 'not_connected';
    return session.capabilities.includes('terminal') ? session : 'no_terminal';
  }

  connectedServerIds(): string[] {
    return [...this.sessions.keys()];
  }

  /** Sends to a server's agent; false when it is not connected here. */
  send(serverId: string, message: AgentServerMessage): boolean {
    return this.get(serverId)?.send(message) ?? false;
  }

  /** Closes the sessions of a revoked key, and remembers it for agents not registered yet. */
  private keyRevoked(keyId: string): void {
    this.rememberRevoked(keyId);
    for (const session of this.sessions.values()) {
      if (session.keyId !== keyId) continue;
      session.end(AgentCloseCode.KeyRevoked, AgentErrorText.KeyRevoked, {
        kind: 'agent.key_revoked',
        message: `Agent disconnected: its API key ${session.keyPrefix}… was revoked`,
      });
    }
  }

  /**
   * Closes the agent of a deleted server as for a revoked key (its keys went with it): every
   * sample it sent would fail its foreign key. The session is forgotten at once, so nothing is
   * sent to it any more and its close marks no presence of a server that is gone.
   */
  private serverDeleted(serverId: string): void {
    const session = this.sessions.get(serverId);
    if (!session) return;
    this.sessions.delete(serverId);
    session.end(AgentCloseCode.KeyRevoked, AgentErrorText.KeyRevoked, { kind: 'agent.server_deleted', message: 'Agent disconnected: its server was deleted' });
  }

  private rememberRevoked(keyId: string): void {
    const now = Date.now();
    for (const [id, at] of this.revokedKeys) if (now - at > REVOKED_KEY_MEMORY_MS) this.revokedKeys.delete(id);
    this.revokedKeys.set(keyId, now);
  }

  private checkHeartbeats(): void {
    const now = Date.now();
    const timeoutMs = this.config.agentHeartbeatTimeoutSeconds * 1000;
    for (const session of this.sessions.values()) {
      if (now - session.lastTrafficAt > timeoutMs) {
        const seconds = Math.round((now - session.lastTrafficAt) / 100) / 10;
        session.end(AgentCloseCode.HeartbeatTimeout, AgentErrorText.HeartbeatTimeout, {
          kind: 'agent.heartbeat_timeout',
          message: `Agent silent for ${seconds} s (heartbeat timeout)`,
        });
        // An agent that does not answer will not complete the close handshake either.
        setTimeout(() => session.socket.terminate(), 1000).unref();
      } else if (session.open) {
        session.socket.ping();
      }
    }
  }
}
