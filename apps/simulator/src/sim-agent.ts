import { AGENT_WS_PATH, type AgentClientMessage, type AgentServerMessage } from '@pharos/protocol';
import WebSocket from 'ws';
import { AgentHostModel } from './agent-messages';
import { jittered } from './random';
import { type FleetStats, noteError } from './stats';

export interface SimAgentOptions {
  wsUrl: string;
  apiKey: string;
  hostname: string;
  metricsIntervalMs: number;
  stats: FleetStats;
}

/**
 * One agent (docs/protocols/agent-websocket.md) on a real WebSocket: authenticates with its key, sends metrics at its
 * interval, answers `command` and `docker_command` after a plausible delay, answers Pharos's
 * pings (the `ws` client does), and reconnects with backoff when the socket drops.
 */
export class SimAgent {
  private ws?: WebSocket;
  private timer?: NodeJS.Timeout;
  private retry?: NodeJS.Timeout;
  private backoffMs = 1000;
  private stopped = false;
  private ready = false;
  serverId = '';
  readonly host: AgentHostModel;

  constructor(private readonly options: SimAgentOptions) {
    this.host = new AgentHostModel(options.hostname);
  }

  start(): void {
    this.connect();
  }

  stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    clearInterval(this.timer);
    const ws = this.ws;
    if (!ws || ws.readyState === ws.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      ws.once('close', () => resolve());
      ws.close(1000);
      setTimeout(() => {
        ws.terminate();
        resolve();
      }, 2000).unref();
    });
  }

  private connect(): void {
    const { stats } = this.options;
    const ws = new WebSocket(`${this.options.wsUrl}${AGENT_WS_PATH}`);
    this.ws = ws;
    ws.on('open', () => this.send({ type: 'auth', api_key: this.options.apiKey, agent_version: 'pharos-sim/1.0', hostname: this.options.hostname }));
    ws.on('message', (data) => {
      let message: AgentServerMessage;
      try {
        message = JSON.parse(data.toString()) as AgentServerMessage;
      } catch {
        return;
      }
      this.receive(message);
    });
    ws.on('error', (error) => {
      if (!this.stopped) noteError(stats, `agent ${this.options.hostname}: ${error.message}`);
    });
    ws.on('close', (code, reason) => {
      clearInterval(this.timer);
      if (this.ready) stats.agents.connected--;
      this.ready = false;
      if (this.stopped) return;
      if (code === 4001 || code === 4003) {
        stats.agents.refused++;
        noteError(stats, `agent ${this.options.hostname} refused: ${reason.toString() || code}`);
      }
      stats.agents.reconnects++;
      this.retry = setTimeout(() => this.connect(), jittered(this.backoffMs, this.host.random, 0.3));
      this.backoffMs = Math.min(this.backoffMs * 2, 30_000);
    });
  }

  private receive(message: AgentServerMessage): void {
    const { stats } = this.options;
    switch (message.type) {
      case 'auth_success': {
        this.serverId = message.server_id;
        this.ready = true;
        this.backoffMs = 1000;
        stats.agents.connected++;
        const interval = this.options.metricsIntervalMs;
        // The first sample at once, then at the interval from a random phase.
        this.sendMetrics();
        this.timer = setTimeout(() => {
          this.sendMetrics();
          this.timer = setInterval(() => this.sendMetrics(), interval);
        }, this.host.random() * interval);
        return;
      }
      case 'command': {
        const answer = this.host.answerShell(message);
        setTimeout(() => {
          this.send({ type: 'command_response', ...answer });
          stats.agents.commandsAnswered++;
        }, answer.duration_ms ?? 0);
        return;
      }
      case 'docker_command': {
        const answer = this.host.answerDocker(message);
        setTimeout(() => {
          this.send({ type: 'docker_response', ...answer });
          stats.agents.dockerAnswered++;
        }, 100 + this.host.random() * 400);
        return;
      }
      case 'error':
        noteError(stats, `agent ${this.options.hostname}: Pharos said "${message.message}"`);
        return;
      default:
    }
  }

  private sendMetrics(): void {
    if (!this.ready) return;
    this.send(this.host.metrics(this.serverId));
    this.options.stats.agents.metricsSent++;
  }

  private send(message: AgentClientMessage): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }
}
