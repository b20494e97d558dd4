import { Injectable } from '@nestjs/common';
import type { Server } from '@pharos/database';
import { type IssuedNode, type IssuedNodeSecret, type LiveMetricsData, NODE_METRICS_PATH, type NodeDetail, type NodeFactsView, type NodeView, validateNodeReport } from '@pharos/protocol';
import { PharosConfig } from '../../../platform/config/pharos-config';
import { NotFoundError } from '../../../platform/errors/domain-errors';
import { type AuditActor, AuditLogService } from '../../../identity/audit/audit-log.service';
import { MetricsService, type StoredSnapshot } from '../../../fleet/metrics/metrics.service';
import { type NewServer, type ServerQuery, ServersService, toServerView } from '../../../fleet/servers/servers.service';
import { Transactions } from '../../../platform/database/transactions';
import { FleetEventBus } from '../../../platform/events/fleet-event-bus';
import { nodeReportToSample } from '../ingest/node-report-sample';
import { NodeSecretsService } from '../ingest/node-secrets.service';
import { nodeInstallCommands } from '../install/node-install-scripts';
import { type ListedStaticFacts, NodeStore } from '../node.store';

export type { IssuedNodeSecret, NodeDetail, NodeFactsView, NodeView };

type StaticFacts = ListedStaticFacts;

/** A node's latest report, parsed from the JSON text it is stored as. */
interface Snapshot {
  serverId: string;
  reportedAt: Date;
  report: unknown;
}

function parsed(snapshot: StoredSnapshot): Snapshot {
  return { serverId: snapshot.serverId, reportedAt: snapshot.reportedAt, report: JSON.parse(snapshot.payload) as unknown };
}

/** The headline values of a node's latest report (as its live metrics show them). */
function latestValues(snapshot: Snapshot): LiveMetricsData | null {
  const report = validateNodeReport(snapshot.report);
  return report.ok ? nodeReportToSample(snapshot.serverId, report.value, snapshot.reportedAt).sample : null;
}

function toFactsView(f: StaticFacts): NodeFactsView {
  return {
    nodeVersion: f.nodeVersion,
    reportIntervalSeconds: f.reportIntervalSeconds,
    os: f.os,
    platform: f.platform,
    platformVersion: f.platformVersion,
    kernelVersion: f.kernelVersion,
    arch: f.arch,
    hostname: f.hostname,
    cpuModel: f.cpuModel,
    coresLogical: f.coresLogical,
    // Plain JSON numbers, as the node sent them.
    memoryTotal: Number(f.memoryTotal),
    swapTotal: Number(f.swapTotal),
    reportedAt: f.reportedAt.toISOString(),
  };
}

/** Ithiltir nodes as admins manage them: each one a server of the fleet with its own secret. */
@Injectable()
export class NodesService {
  constructor(
    private readonly store: NodeStore,
    private readonly transactions: Transactions,
    private readonly config: PharosConfig,
    private readonly servers: ServersService,
    private readonly metrics: MetricsService,
    private readonly secrets: NodeSecretsService,
    private readonly audit: AuditLogService,
    private readonly bus: FleetEventBus,
  ) {}

  /**
   * What the admin runs on the host: `ithiltir-node report install <url> <secret>` for a node
   * already installed, or the one-liner that installs it (`/deploy/<platform>/install.*`).
   */
  installCommands(secret: string): Pick<IssuedNodeSecret, 'installCommand' | 'installScripts'> {
    return {
      installCommand: `ithiltir-node report install ${this.config.publicUrl}${NODE_METRICS_PATH} ${secret}`,
      installScripts: nodeInstallCommands(this.config.publicUrl, secret),
    };
  }

  async create(input: Omit<NewServer, 'source'>, actor: AuditActor): Promise<IssuedNode> {
    const { server, issued } = await this.transactions.run(async (tx) => {
      const server = await this.servers.create({ ...input, source: 'ithiltir' }, tx);
      const issued = await this.secrets.issue(server.id, actor.id, tx);
      await this.audit.record(actor, 'node.create', { type: 'server', id: server.id }, { name: server.name, secretPrefix: issued.prefix }, tx);
      return { server, issued };
    });
    return { node: this.toView(server, null, null), ...issued, ...this.installCommands(issued.secret) };
  }

  async list(query: Omit<ServerQuery, 'source'>): Promise<{ items: NodeView[]; total: number }> {
    const { items, total } = await this.servers.list({ ...query, source: 'ithiltir' });
    const ids = items.map((s) => s.id);
    const [facts, snapshots] = await Promise.all([this.store.listedStatic(ids), this.metrics.snapshots(ids)]);
    const factsOf = new Map(facts.map((f) => [f.serverId, f]));
    const snapshotOf = new Map(snapshots.map((s) => [s.serverId, parsed(s)]));
    return { items: items.map((s) => this.toView(s, factsOf.get(s.id) ?? null, snapshotOf.get(s.id) ?? null)), total };
  }

  async get(id: string): Promise<NodeDetail> {
    const server = await this.nodeOf(id);
    const [info, [snapshot], secret] = await Promise.all([this.store.staticOf(id), this.metrics.snapshots([id]), this.secrets.active(id)]);
    const latest = snapshot && parsed(snapshot);
    return {
      node: this.toView(server, info, latest),
      static: info && { reportedAt: info.reportedAt.toISOString(), receivedAt: info.receivedAt.toISOString(), payload: info.payload },
      snapshot: snapshot && { reportedAt: snapshot.reportedAt.toISOString(), receivedAt: snapshot.receivedAt.toISOString(), payload: latest?.report },
      secret: secret && { prefix: secret.prefix, createdAt: secret.createdAt.toISOString(), lastUsedAt: secret.lastUsedAt?.toISOString() ?? null },
    };
  }

  /** A new secret; the previous one stops working at once. */
  async rotateSecret(id: string, actor: AuditActor): Promise<IssuedNodeSecret> {
    await this.nodeOf(id);
    const issued = await this.transactions.run(async (tx) => {
      const issued = await this.secrets.issue(id, actor.id, tx);
      await this.audit.record(actor, 'node.secret.rotate', { type: 'server', id }, { secretPrefix: issued.prefix }, tx);
      return issued;
    });
    this.bus.publish('node.secret-changed', id, {});
    return { ...issued, ...this.installCommands(issued.secret) };
  }

  /** The node can no longer report until a new secret is issued. */
  async revokeSecret(id: string, actor: AuditActor): Promise<void> {
    await this.nodeOf(id);
    await this.transactions.run(async (tx) => {
      const revoked = await this.secrets.revoke(id, tx);
      await this.audit.record(actor, 'node.secret.revoke', { type: 'server', id }, { revoked }, tx);
    });
    this.bus.publish('node.secret-changed', id, {});
  }

  async delete(id: string, actor: AuditActor): Promise<void> {
    await this.nodeOf(id);
    await this.servers.delete(id, actor, 'node.delete');
  }

  /** The server behind a node id; 404 for other servers too. */
  async nodeOf(id: string): Promise<Server> {
    const server = await this.servers.get(id);
    if (server.source !== 'ithiltir') throw new NotFoundError(`node ${id} not found`);
    return server;
  }

  private toView(
    server: Server,
    facts: StaticFacts | null,
    snapshot: Snapshot | null,
  ): NodeView {
    return {
      ...toServerView(server),
      online: server.status === 'online',
      facts: facts && toFactsView(facts),
      latest: snapshot && latestValues(snapshot),
      latestReportedAt: snapshot?.reportedAt.toISOString() ?? null,
    };
  }
}
