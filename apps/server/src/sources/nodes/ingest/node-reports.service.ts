import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { isDatabaseUnavailable, isDataRefusal, Prisma, refusalCode } from '@pharos/database';
import {
  describeWireError,
  type LogEntryData,
  type NodeIdentityReply,
  type NodeMetricsReply,
  type NodeReport,
  validateNodeReport,
  validateNodeStatic,
  type WireError,
} from '@pharos/protocol';
import { randomUUID } from 'node:crypto';
import { EventLogService } from '../../../fleet/event-log/event-log.service';
import { MetricsService, type SampleToRecord, type SnapshotToStore } from '../../../fleet/metrics/metrics.service';
import { UpdateOffersService } from '../../../fleet/releases/update-offers.service';
import { ServerPresenceService } from '../../../fleet/servers/server-presence.service';
import { ServersService } from '../../../fleet/servers/servers.service';
import { DatabaseOutage } from '../../../platform/database/database-outage';
import { GroupCommitter } from '../../../platform/database/group-commit';
import { PrometheusMetrics } from '../../../platform/prometheus/prometheus-metrics';
import { type DbTransaction, Transactions } from '../../../platform/database/transactions';
import { DomainError, InvalidInputError, ServiceUnavailableError, UnauthorizedError } from '../../../platform/errors/domain-errors';
import { FleetEventBus } from '../../../platform/events/fleet-event-bus';
import { jsonTextOf } from '../../../platform/http/json-bodies';
import { type NodeFacts, NodeStore } from '../node.store';
import { NodeLivenessService } from './node-liveness.service';
import { nodeReportConditions } from './node-report-conditions';
import { nodeReportToSample } from './node-report-sample';
import type { NodeCredential } from './node-secrets.service';

/** A report with nothing but its snapshot and sample to store. */
interface RoutineReport {
  sample: SampleToRecord;
  snapshot: SnapshotToStore;
}

/** Stored in 32-bit columns: larger values (never seen on a real host) are clamped. */
const INT32_MAX = 2 ** 31 - 1;

function refused(error: WireError): InvalidInputError {
  return new InvalidInputError(describeWireError(error), error.path);
}

function timeOf(value: string): Date {
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) throw new InvalidInputError('timestamp: not a valid time', 'timestamp');
  return at;
}

/** True when a write failed because the node's server no longer exists (deleted meanwhile). */
function isServerGone(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientKnownRequestError && (error.code === 'P2003' || error.code === 'P2025')) return true;
  // A foreign-key violation from a raw or direct statement.
  return refusalCode(error) === '23503';
}

/**
 * The Dash side of Ithiltir-node's push protocol. Every body is validated whole before
 * anything is written; a report is stored in one transaction (snapshot, history sample with
 * its rollups, version change, update offer) and only then answered, so a 200 means stored.
 */
@Injectable()
export class NodeReportsService implements OnModuleInit, OnModuleDestroy {
  /** What the ingest needs to know of a node between reports: kept in memory, written on change. */
  private readonly facts = new Map<string, NodeFacts>();
  private readonly logger = new Logger(NodeReportsService.name);
  /**
   * Routine reports (no version or hostname change, no update to offer) arriving while a batch
   * is being written go in the next: one statement (snapshots and samples; atomic, one round
   * trip) for the whole batch, each report answered once it committed. A batch the database
   * refused for what a report carried (its node was just deleted, a value it cannot store) is
   * written again in halves, so that report's failure stays its own.
   */
  private readonly routineWrites = new GroupCommitter<RoutineReport, void>({
    maxBatch: 1000,
    concurrency: 2,
    write: async (reports) => {
      await this.writeRoutine(reports);
      return reports.map(() => undefined);
    },
    splitWhen: isDataRefusal,
    failure: (error, reports) => this.asNodeError(reports.length === 1 ? reports[0]!.sample.serverId : undefined, error, reports.length),
  });
  private installId?: string;
  private stopForgetting?: () => void;

  constructor(
    private readonly store: NodeStore,
    private readonly transactions: Transactions,
    private readonly servers: ServersService,
    private readonly metrics: MetricsService,
    private readonly eventLog: EventLogService,
    private readonly presence: ServerPresenceService,
    private readonly liveness: NodeLivenessService,
    private readonly offers: UpdateOffersService,
    private readonly bus: FleetEventBus,
    private readonly outage: DatabaseOutage,
    prometheus: PrometheusMetrics,
  ) {
    prometheus.watchGroupCommit('node_reports', this.routineWrites);
  }

  onModuleInit(): void {
    this.stopForgetting = this.bus.subscribeAll('server.deleted', (_, serverId) => this.facts.delete(serverId));
  }

  /** Waits for the reports already received to be written (before shutting down). */
  async onModuleDestroy(): Promise<void> {
    this.stopForgetting?.();
    await this.routineWrites.drain();
  }

  /** The installation's one stable id; made by the first call, which says so. */
  async identity(): Promise<NodeIdentityReply> {
    if (this.installId) return { install_id: this.installId, created: false };
    const { installId, made } = await this.store.installId(randomUUID());
    this.installId = installId;
    return { install_id: installId, created: made };
  }

  async storeStatic(node: NodeCredential, body: unknown): Promise<void> {
    const result = validateNodeStatic(body);
    if (!result.ok) throw refused(result.error);
    const info = result.value;
    const reportedAt = timeOf(info.timestamp);
    const facts = await this.factsOf(node.serverId);
    const receivedAt = new Date();
    const staticFacts = {
      reportedAt,
      receivedAt,
      nodeVersion: info.version,
      reportIntervalSeconds: Math.min(info.report_interval_seconds, INT32_MAX),
      os: info.system.os,
      platform: info.system.platform,
      platformVersion: info.system.platform_version,
      kernelVersion: info.system.kernel_version,
      arch: info.system.arch,
      hostname: info.system.hostname,
      cpuModel: info.cpu.info.model_name,
      coresLogical: Math.max(-INT32_MAX, Math.min(info.cpu.info.cores_logical, INT32_MAX)),
      memoryTotal: BigInt(Math.min(info.memory.total, Number.MAX_SAFE_INTEGER)),
      swapTotal: BigInt(Math.min(info.memory.swap_total, Number.MAX_SAFE_INTEGER)),
      // The body as sent, fields Pharos does not know included.
      payload: body as Prisma.InputJsonObject,
    };
    const events = await this.commit(node.serverId, async (tx) => {
      await this.store.saveStatic(node.serverId, staticFacts, tx);
      // The server's charts draw their gaps by it (`ServerView.reportIntervalSeconds`).
      await this.servers.setIdentity(node.serverId, { reportIntervalSeconds: staticFacts.reportIntervalSeconds }, tx);
      return this.recordIdentity(tx, node.serverId, facts, info.version, info.system.hostname);
    });
    Object.assign(facts, {
      version: info.version,
      hostname: info.system.hostname,
      os: info.system.os,
      arch: info.system.arch,
      intervalSeconds: staticFacts.reportIntervalSeconds,
    });
    await this.afterCommit(node.serverId, facts, receivedAt, events);
  }

  async storeReport(node: NodeCredential, body: unknown): Promise<NodeMetricsReply> {
    const result = validateNodeReport(body);
    if (!result.ok) throw refused(result.error);
    const report = result.value;
    const reportedAt = timeOf(report.timestamp);
    const facts = await this.factsOf(node.serverId);
    const { sample, entities } = nodeReportToSample(node.serverId, report, reportedAt);
    const offer = await this.offers.offerFor({ serverId: node.serverId, group: node.group, os: facts.os, arch: facts.arch, version: report.version });
    const receivedAt = new Date();
    const written: RoutineReport = {
      sample: { serverId: node.serverId, sample, entitySeries: entities },
      // The body as it came, as JSON text (uint64 counters stay exact).
      snapshot: { serverId: node.serverId, reportedAt, receivedAt, payload: jsonTextOf(body) ?? JSON.stringify(body) },
    };
    if (!offer && facts.version === report.version && facts.hostname === report.hostname) {
      // The usual report: nothing but the snapshot and the sample to write, group committed.
      await this.routineWrites.submit(written);
      this.metrics.committed(node.serverId, sample);
      await this.afterCommit(node.serverId, facts, receivedAt, []);
      this.publishConditions(node.serverId, report);
      return { ok: true, update: null };
    }
    const events = await this.commit(node.serverId, async (tx) => {
      await this.metrics.write({ samples: [written.sample], snapshots: [written.snapshot] }, tx);
      const logged = await this.recordIdentity(tx, node.serverId, facts, report.version, report.hostname);
      if (offer) await this.offers.recordOffer(offer.releaseId, node.serverId, report.version, tx);
      return logged;
    });
    Object.assign(facts, { version: report.version, hostname: report.hostname });
    this.metrics.committed(node.serverId, sample);
    await this.afterCommit(node.serverId, facts, receivedAt, events);
    this.publishConditions(node.serverId, report);
    return { ok: true, update: offer?.manifest ?? null };
  }

  /** RAID and SMART verdicts for alerting (after the report committed). */
  private publishConditions(serverId: string, report: NodeReport): void {
    for (const condition of nodeReportConditions(report)) this.bus.publish('condition', serverId, condition);
  }

  /** Version and hostname onto the server (only when they change); a new version is an event. */
  private async recordIdentity(tx: DbTransaction, serverId: string, facts: NodeFacts, version: string, hostname: string): Promise<LogEntryData[]> {
    if (facts.version === version && facts.hostname === hostname) return [];
    await this.servers.setIdentity(serverId, { agentVersion: version, hostname }, tx);
    if (facts.version === version) return [];
    await this.offers.markAdopted(serverId, version, tx);
    const message = facts.version ? `Node updated from ${facts.version} to ${version}` : `Node runs version ${version}`;
    return [await this.eventLog.append('server', serverId, { kind: 'node.version', message, data: { from: facts.version, to: version } }, tx)];
  }

  /** Snapshots and samples of routine reports: one statement (`MetricStore.writeBatch`). */
  private writeRoutine(reports: RoutineReport[]): Promise<void> {
    return this.metrics.write({ samples: reports.map((r) => r.sample), snapshots: reports.map((r) => r.snapshot) });
  }

  /**
   * A failed write of one node's report (`serverId`; undefined for a batch of several) as the
   * node is told: its node deleted meanwhile, refused like a bad secret (401); a value the
   * database refused, 400; the store failing, 503 (an outage of the database is counted by
   * `DatabaseOutage`, which logs it once per interval rather than once per report).
   */
  private asNodeError(serverId: string | undefined, error: unknown, reports = 1): Error {
    if (error instanceof DomainError) return error;
    if (serverId !== undefined && isServerGone(error)) return this.gone(serverId);
    if (isDataRefusal(error)) return new InvalidInputError('the report holds a value the database cannot store');
    if (isDatabaseUnavailable(error)) this.outage.refused(error, reports);
    else this.logger.error({ err: error, serverId }, 'could not store node reports');
    return new ServiceUnavailableError('the report could not be stored');
  }

  /** Runs the writes in one transaction; a failure is told the node as `asNodeError` says. */
  private async commit<T>(serverId: string, work: (tx: DbTransaction) => Promise<T>): Promise<T> {
    try {
      return await this.transactions.run(work);
    } catch (error) {
      throw this.asNodeError(serverId, error);
    }
  }

  private async afterCommit(serverId: string, facts: NodeFacts, receivedAt: Date, events: LogEntryData[]): Promise<void> {
    this.eventLog.publishCommitted(serverId, events);
    this.liveness.reported(serverId, facts.intervalSeconds, receivedAt.getTime());
    await this.presence.seen(serverId, receivedAt, { kind: 'node.online', message: 'Node is reporting' });
  }

  private async factsOf(serverId: string): Promise<NodeFacts> {
    let facts = this.facts.get(serverId);
    if (!facts) {
      const found = await this.store.facts(serverId);
      if (!found) throw this.gone(serverId);
      facts = found;
      this.facts.set(serverId, facts);
    }
    return facts;
  }

  /**
   * The node's server is gone (deleted, here or by another instance, after its secret was
   * cached): every cache of it forgets it, and the node is refused like a bad secret.
   */
  private gone(serverId: string): UnauthorizedError {
    this.bus.publish('server.deleted', serverId, {});
    return new UnauthorizedError('unknown or revoked node secret');
  }
}
