import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { ClusterMembership } from '../cluster/cluster-membership';
import { PharosConfig } from '../config/pharos-config';
import type { BatchWritten } from '../database/group-commit';

/** A gauge read at scrape time: its samples, by label values (one sample without labels: `[[{}, value]]`). */
export type GaugeSamples = Iterable<readonly [Record<string, string>, number]>;

/** Seconds buckets for HTTP latency: fast API answers up to slow history queries. */
const HTTP_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Items per group-commit batch (maxBatch is 500 by default). */
const BATCH_SIZES = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000];
/** Seconds a batch's oldest item waited, or its write took. */
const BATCH_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/**
 * Pharos's own health for Prometheus (`GET /metrics`, docs/operations.md "Prometheus"): one
 * prom-client `Registry` per application (tests run several in one process, so never the global
 * default registry), with Node's process, GC and event-loop metrics. Modules that own a number
 * register a gauge read at scrape time (`gauge`) or hand over their group committer (`watchGroupCommit`);
 * nothing is counted on a hot path beyond a counter and a histogram per HTTP request.
 * With `PROMETHEUS_ENABLED` off, every registration is ignored and nothing is collected.
 */
@Injectable()
export class PrometheusMetrics {
  readonly registry = new Registry();
  readonly enabled: boolean;
  private readonly httpRequests?: Counter<'method' | 'route' | 'status'>;
  private readonly httpSeconds?: Histogram<'method' | 'route'>;
  private groupCommit?: { size: Histogram<'committer'>; wait: Histogram<'committer'>; write: Histogram<'committer'>; failed: Counter<'committer'> };

  constructor(config: PharosConfig, membership: ClusterMembership) {
    this.enabled = config.prometheus.enabled;
    if (!this.enabled) return;
    collectDefaultMetrics({ register: this.registry });
    this.httpRequests = new Counter({
      name: 'pharos_http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status code',
      labelNames: ['method', 'route', 'status'],
      registers: [this.registry],
    });
    this.httpSeconds = new Histogram({
      name: 'pharos_http_request_duration_seconds',
      help: 'Time from a request to the end of its answer, by method and route pattern',
      labelNames: ['method', 'route'],
      buckets: HTTP_SECONDS,
      registers: [this.registry],
    });
    this.gauge('pharos_open_sockets', 'WebSockets open on this instance, by kind (agents, browsers, consoles, terminals)', ['kind'], () =>
      Object.entries(membership.socketCounts()).map(([kind, value]) => [{ kind }, value] as const),
    );
  }

  /**
   * One answered HTTP request. `route` is the route's pattern (`/api/v1/servers/:id`), never the
   * URL: the label's values stay as few as the routes.
   */
  countRequest(method: string, route: string, status: number, seconds: number): void {
    this.httpRequests?.inc({ method, route, status: String(status) });
    this.httpSeconds?.observe({ method, route }, seconds);
  }

  /** A gauge whose samples `read` gives when Prometheus scrapes (it may query: it runs per scrape only). */
  gauge<L extends string>(name: string, help: string, labelNames: readonly L[], read: () => GaugeSamples | Promise<GaugeSamples>): void {
    if (!this.enabled) return;
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const [labels, value] of await read()) this.set(labels as Partial<Record<L, string>>, value);
      },
    });
  }

  /** Batch sizes, queue waits and write times of a group committer, labelled `committer`. */
  watchGroupCommit(committer: string, groupCommitter: { watch(watcher: (batch: BatchWritten) => void): void }): void {
    if (!this.enabled) return;
    const metrics = (this.groupCommit ??= this.groupCommitMetrics());
    groupCommitter.watch((batch) => {
      metrics.size.observe({ committer }, batch.size);
      metrics.wait.observe({ committer }, batch.waitMs / 1000);
      metrics.write.observe({ committer }, batch.writeMs / 1000);
      if (batch.failedItems > 0) metrics.failed.inc({ committer }, batch.failedItems);
    });
  }

  /** The exposition text and its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private groupCommitMetrics() {
    const registers = [this.registry];
    return {
      size: new Histogram({ name: 'pharos_group_commit_batch_size', help: 'Items per group-commit batch, by committer', labelNames: ['committer'], buckets: BATCH_SIZES, registers }),
      wait: new Histogram({ name: 'pharos_group_commit_wait_seconds', help: "How long a batch's oldest item waited to be taken, by committer", labelNames: ['committer'], buckets: BATCH_SECONDS, registers }),
      write: new Histogram({ name: 'pharos_group_commit_write_seconds', help: 'How long writing a batch took, by committer', labelNames: ['committer'], buckets: BATCH_SECONDS, registers }),
      failed: new Counter({ name: 'pharos_group_commit_failed_items_total', help: 'Items whose batch write refused them, by committer', labelNames: ['committer'], registers }),
    };
  }
}
