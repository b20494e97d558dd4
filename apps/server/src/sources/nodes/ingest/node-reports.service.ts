import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Prisma, PrismaService } from '@pharos/database';
import {
  describeWireError,
  type LogEntryData,
  type NodeIdentityReply,
  type NodeMetricsReply,
  validateNodeReport,
  validateNodeStatic,
  type WireError,
} from '@pharos/protocol';
import { randomUUID } from 'node:crypto';
import { InvalidInputError, UnauthorizedError } from '../../../platform/errors/domain-errors';
import { EventLogService } from '../../../fleet/event-log/event-log.service';
import { GroupCommitter } from '../../../platform/database/group-commit';
import { blobTextSql, type JsonRowColumn, jsonRowsSql, TextBlob } from '../../../platform/database/json-rows';
import { jsonTextOf } from '../../../platform/http/json-bodies';
import { MetricsService, type SampleToRecord } from '../../../fleet/metrics/metrics.service';
import { UpdateOffersService } from '../../../fleet/releases/update-offers.service';
import { ServerPresenceService } from '../../../fleet/servers/server-presence.service';
import { NodeLivenessService } from './node-liveness.service';
import { nodeReportToSample } from './node-report-sample';
import { type NodeCredential, NodeSecretsService } from './node-secrets.service';

/** What the ingest needs to know of a node between reports: kept in memory, written on change. */
interface NodeFacts {
  version: string | null;
  hostname: string | null;
  os: string | null;
  arch: string | null;
  intervalSeconds: number | null;
}

/** A report with nothing but its snapshot and sample to store. */
interface RoutineReport extends SampleToRecord {
  reportedAt: Date;
  receivedAt: Date;
  /** The body as sent, as JSON text. */
  payload: string;
}

/** A snapshot row: server id, reported at, received at, and the payload's place in the blob. */
const SNAPSHOT_COLUMNS: JsonRowColumn[] = [
  ['s', 'uuid'],
  ['r', 'timestamptz'],
  ['v', 'timestamptz'],
  ['o', 'int'],
  ['l', 'int'],
];

/** Upserts node snapshots: $1 their rows (`SNAPSHOT_COLUMNS`), $2 their payloads (a `TextBlob`). */
const SNAPSHOTS_SQL = `INSERT INTO "NodeSnapshot" ("serverId", "reportedAt", "receivedAt", "payload")
  SELECT s, r, v, ${blobTextSql('$2', 'o', 'l')} FROM ${jsonRowsSql('$1', SNAPSHOT_COLUMNS, 'u')}
  ON CONFLICT ("serverId") DO UPDATE SET "reportedAt" = EXCLUDED."reportedAt", "receivedAt" = EXCLUDED."receivedAt",
    "payload" = EXCLUDED."payload"`;

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

/**
 * The Dash side of Ithiltir-node's push protocol. Every body is validated whole before
 * anything is written; a report is stored in one transaction (snapshot, history sample with
 * its rollups, version change, update offer) and only then answered, so a 200 means stored.
 */
@Injectable()
export class NodeReportsService implements OnModuleDestroy {
  private readonly facts = new Map<string, NodeFacts>();
  /**
   * Routine reports (no version or hostname change, no update to offer) arriving while a batch
   * is being written go in the next: one statement (snapshots and samples; atomic, one round
   * trip) for the whole batch, each report answered once it committed. When a batch fails, its
   * reports are written again one by one, so a report's own failure (its node was just
   * deleted) stays its own.
   */
  private readonly routineWrites = new GroupCommitter<RoutineReport, void>({
    maxBatch: 1000,
    concurrency: 2,
    write: async (reports) => {
      try {
        await this.writeRoutine(reports);
        return reports.map(() => undefined);
      } catch (error) {
        if (reports.length === 1) return [this.asNodeError(reports[0]!.serverId, error)];
        return Promise.all(reports.map((r) => this.writeRoutine([r]).then(() => undefined, (e: unknown) => this.asNodeError(r.serverId, e))));
      }
    },
  });
  private installId?: string;

  constructor(
    private readonly prisma: PrismaService,
    private readonly secrets: NodeSecretsService,
    private readonly metrics: MetricsService,
    private readonly eventLog: EventLogService,
    private readonly presence: ServerPresenceService,
    private readonly liveness: NodeLivenessService,
    private readonly offers: UpdateOffersService,
  ) {}

  /** Waits for the reports already received to be written (before shutting down). */
  async onModuleDestroy(): Promise<void> {
    await this.routineWrites.drain();
  }

  /** The installation's one stable id; made by the first call, which says so. */
  async identity(): Promise<NodeIdentityReply> {
    if (this.installId) return { install_id: this.installId, created: false };
    const made = await this.prisma.$queryRaw<{ installId: string }[]>`
      INSERT INTO "Installation" ("id", "installId") VALUES (1, ${randomUUID()})
      ON CONFLICT ("id") DO NOTHING RETURNING "installId"`;
    const installId = made[0]?.installId ?? (await this.prisma.installation.findUniqueOrThrow({ where: { id: 1 } })).installId;
    this.installId = installId;
    return { install_id: installId, created: made.length > 0 };
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
      await tx.nodeStatic.upsert({ where: { serverId: node.serverId }, create: { serverId: node.serverId, ...staticFacts }, update: staticFacts });
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
    if (!offer && facts.version === report.version && facts.hostname === report.hostname) {
      // The usual report: nothing but the snapshot and the sample to write, group committed.
      const payload = jsonTextOf(body) ?? JSON.stringify(body);
      await this.routineWrites.submit({ serverId: node.serverId, reportedAt, receivedAt, payload, sample, entitySeries: entities });
      this.metrics.committed(node.serverId, sample);
      await this.afterCommit(node.serverId, facts, receivedAt, []);
      return { ok: true, update: null };
    }
    const events = await this.commit(node.serverId, async (tx) => {
      const snapshot = { reportedAt, receivedAt, payload: jsonTextOf(body) ?? JSON.stringify(body) };
      await tx.nodeSnapshot.upsert({ where: { serverId: node.serverId }, create: { serverId: node.serverId, ...snapshot }, update: snapshot });
      await this.metrics.record(node.serverId, sample, entities, tx);
      const logged = await this.recordIdentity(tx, node.serverId, facts, report.version, report.hostname);
      if (offer) await this.offers.recordOffer(offer.releaseId, node.serverId, report.version, tx);
      return logged;
    });
    Object.assign(facts, { version: report.version, hostname: report.hostname });
    this.metrics.committed(node.serverId, sample);
    await this.afterCommit(node.serverId, facts, receivedAt, events);
    return { ok: true, update: offer?.manifest ?? null };
  }

  /** Forgets what is cached of a node (it was deleted). */
  forget(serverId: string): void {
    this.facts.delete(serverId);
  }

  /** Version and hostname onto the server (only when they change); a new version is an event. */
  private async recordIdentity(
    tx: Prisma.TransactionClient,
    serverId: string,
    facts: NodeFacts,
    version: string,
    hostname: string,
  ): Promise<LogEntryData[]> {
    if (facts.version === version && facts.hostname === hostname) return [];
    await tx.server.update({ where: { id: serverId }, data: { agentVersion: version, hostname } });
    if (facts.version === version) return [];
    await this.offers.markAdopted(serverId, version, tx);
    const message = facts.version ? `Node updated from ${facts.version} to ${version}` : `Node runs version ${version}`;
    return [await this.eventLog.record('server', serverId, { kind: 'node.version', message, data: { from: facts.version, to: version } }, tx)];
  }

  /**
   * Snapshots (the latest of each node in the batch) and samples of routine reports: one
   * statement, the snapshots as one JSON parameter and their bodies, as the text each came as,
   * as one binary parameter (nothing serialized again, escaped or parsed), written with the
   * samples (`recordMany`'s companion write).
   */
  private async writeRoutine(reports: RoutineReport[]): Promise<void> {
    const latest = new Map<string, RoutineReport>();
    for (const r of reports) latest.set(r.serverId, r);
    const snapshots = [...latest.values()].sort((a, b) => (a.serverId < b.serverId ? -1 : 1));
    const payloads = new TextBlob();
    const rows = `[${snapshots
      .map((r) => {
        const { offset, length } = payloads.add(r.payload);
        return `{"s":"${r.serverId}","r":"${r.reportedAt.toISOString()}","v":"${r.receivedAt.toISOString()}","o":${offset},"l":${length}}`;
      })
      .join(',')}]`;
    await this.metrics.recordMany(reports, undefined, { sql: SNAPSHOTS_SQL, params: [rows, payloads.toBuffer()] });
  }

  /** A failed write as the node is told: a deleted node is refused like a bad secret. */
  private asNodeError(serverId: string, error: unknown): Error {
    if (error instanceof Prisma.PrismaClientKnownRequestError && (error.code === 'P2003' || error.code === 'P2025')) {
      this.forgetEverywhere(serverId);
      return new UnauthorizedError('unknown or revoked node secret');
    }
    // A foreign-key violation (SQLSTATE 23503) from a raw statement: the node was deleted meanwhile.
    const failure = error as { code?: unknown; meta?: { code?: unknown } } | undefined;
    if (failure?.code === '23503' || failure?.meta?.code === '23503') {
      this.forgetEverywhere(serverId);
      return new UnauthorizedError('unknown or revoked node secret');
    }
    return error instanceof Error ? error : new Error(String(error));
  }

  /** Runs the writes in one transaction; a node deleted meanwhile is refused like a bad secret. */
  private async commit<T>(serverId: string, work: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
    try {
      return await this.prisma.$transaction(work);
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && (error.code === 'P2003' || error.code === 'P2025')) {
        this.forgetEverywhere(serverId);
        throw new UnauthorizedError('unknown or revoked node secret');
      }
      throw error;
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
      const server = await this.prisma.server.findUnique({
        where: { id: serverId },
        select: { agentVersion: true, hostname: true, nodeStatic: { select: { os: true, arch: true, reportIntervalSeconds: true } } },
      });
      if (!server) {
        this.forgetEverywhere(serverId);
        throw new UnauthorizedError('unknown or revoked node secret');
      }
      facts = {
        version: server.agentVersion,
        hostname: server.hostname,
        os: server.nodeStatic?.os ?? null,
        arch: server.nodeStatic?.arch ?? null,
        intervalSeconds: server.nodeStatic?.reportIntervalSeconds ?? null,
      };
      this.facts.set(serverId, facts);
    }
    return facts;
  }

  private forgetEverywhere(serverId: string): void {
    this.facts.delete(serverId);
    this.secrets.forgetServer(serverId);
  }
}
