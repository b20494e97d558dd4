import type { AgentCommand, AgentCommandResponse, AgentDockerCommand, AgentDockerResponse, AgentMetricsMessage } from '@pharos/protocol';
import { hashSeed, pick, round, seededRandom, Walk } from './random';

/**
 * What one simulated agent host reports: psutil-shaped metrics whose figures wander like a
 * real machine's (a busy-afternoon CPU swing, memory drifting, a disk slowly filling, network
 * counters that only go up), and plausible answers to the commands and Docker actions Pharos
 * sends it.
 */
export class AgentHostModel {
  readonly random: () => number;
  private readonly cpu: Walk;
  private readonly memory: Walk;
  private readonly swap: Walk;
  private readonly load: Walk;
  private readonly diskTotal: number;
  private diskUsed: number;
  private bytesSent = 0;
  private bytesRecv = 0;
  private readonly bootAt: number;
  private lastTimestamp = 0;
  readonly containers: string[];

  constructor(readonly hostname: string) {
    this.random = seededRandom(hashSeed(hostname));
    const r = this.random;
    this.cpu = new Walk(r, 1, 98, 6, 0.6);
    this.memory = new Walk(r, 20, 92, 1.5, 0.2);
    this.swap = new Walk(r, 0, 30, 0.5);
    this.load = new Walk(r, 0.05, 4, 0.3, 0.5);
    this.diskTotal = pick([250, 500, 1000, 2000], r) * 1e9;
    this.diskUsed = this.diskTotal * (0.2 + 0.5 * r());
    this.bootAt = Date.now() - Math.floor(r() * 90 * 86_400_000);
    this.containers = Array.from({ length: 1 + Math.floor(r() * 4) }, (_, i) => `${pick(['web', 'api', 'worker', 'redis', 'db'], r)}-${i + 1}`);
  }

  /** The next `metrics` message (timestamps strictly increase, as Pharos keys samples by time). */
  metrics(serverId: string, now = Date.now()): AgentMetricsMessage {
    const r = this.random;
    this.lastTimestamp = Math.max(now, this.lastTimestamp + 1);
    this.diskUsed = Math.min(this.diskTotal * 0.98, this.diskUsed + r() * 2e6);
    this.bytesSent += Math.floor(2e4 + r() * 5e5);
    this.bytesRecv += Math.floor(5e4 + r() * 2e6);
    const load1 = this.load.next(now);
    return {
      type: 'metrics',
      server_id: serverId,
      cpu_percent: round(this.cpu.next(now)),
      memory_percent: round(this.memory.next(now)),
      swap_percent: round(this.swap.next(now)),
      load1: round(load1, 2),
      load5: round(load1 * 0.9, 2),
      load15: round(load1 * 0.8, 2),
      process_count: 120 + Math.floor(r() * 80),
      uptime_seconds: Math.floor((now - this.bootAt) / 1000),
      disk_usage: [
        {
          device: '/dev/sda1',
          mountpoint: '/',
          total: this.diskTotal,
          used: Math.floor(this.diskUsed),
          free: Math.floor(this.diskTotal - this.diskUsed),
          percent: round((this.diskUsed / this.diskTotal) * 100),
        },
      ],
      network: [
        { interface: 'eth0', bytes_sent: this.bytesSent, bytes_recv: this.bytesRecv },
        { interface: 'lo', bytes_sent: 1_000_000, bytes_recv: 1_000_000 },
      ],
      timestamp: new Date(this.lastTimestamp).toISOString(),
    };
  }

  /** What a shell on this host would print for a command (a few common ones; else "not found"). */
  answerShell(command: AgentCommand): Omit<AgentCommandResponse, 'type'> {
    const started = Date.now();
    const text = command.command.trim();
    const [program = ''] = text.split(/\s+/);
    let output: string;
    let exitCode = 0;
    switch (program) {
      case 'echo':
        output = `${text.slice(5)}\n`;
        break;
      case 'hostname':
        output = `${this.hostname}\n`;
        break;
      case 'uptime': {
        const days = Math.floor((Date.now() - this.bootAt) / 86_400_000);
        output = ` ${new Date().toISOString().slice(11, 19)} up ${days} days,  2 users,  load average: 0.42, 0.37, 0.30\n`;
        break;
      }
      case 'df':
        output =
          'Filesystem      Size  Used Avail Use% Mounted on\n' +
          `/dev/sda1       ${Math.round(this.diskTotal / 1e9)}G  ${Math.round(this.diskUsed / 1e9)}G  ${Math.round((this.diskTotal - this.diskUsed) / 1e9)}G  ${Math.round((this.diskUsed / this.diskTotal) * 100)}% /\n`;
        break;
      case 'whoami':
        output = 'root\n';
        break;
      case 'uname':
        output = `Linux ${this.hostname} 6.1.0-18-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 x86_64 GNU/Linux\n`;
        break;
      case 'docker':
        output = `CONTAINER ID   IMAGE   STATUS\n${this.containers.map((c, i) => `${(0xabc000 + i).toString(16)}   ${c}:latest   Up 3 days`).join('\n')}\n`;
        break;
      case 'false':
        output = '';
        exitCode = 1;
        break;
      case 'true':
      case 'sleep':
        output = '';
        break;
      default:
        output = `sh: 1: ${program}: not found\n`;
        exitCode = 127;
    }
    return { command_id: command.command_id, output, exit_code: exitCode, duration_ms: Math.max(1, Date.now() - started + Math.floor(this.random() * 40)) };
  }

  /** Docker on this host: known containers obey, unknown ones are "No such container". */
  answerDocker(command: AgentDockerCommand): Omit<AgentDockerResponse, 'type'> {
    const known = this.containers.includes(command.container_id) || /^[0-9a-f]{6,64}$/.test(command.container_id);
    if (!known) return { command_id: command.command_id, success: false, message: `Error: No such container: ${command.container_id}` };
    if (command.action === 'remove') this.containers.splice(this.containers.indexOf(command.container_id), 1);
    return { command_id: command.command_id, success: true, message: `Container ${command.container_id} ${PAST[command.action]}` };
  }
}

const PAST: Record<AgentDockerCommand['action'], string> = {
  start: 'started',
  stop: 'stopped',
  restart: 'restarted',
  kill: 'killed',
  pause: 'paused',
  unpause: 'unpaused',
  remove: 'removed',
};
