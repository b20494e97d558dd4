import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { DaemonApiTokenVault, DaemonApiUnavailable } from '../daemons/daemon-api-token-vault';
import { LightdApiClient, LightdApiError } from '../daemons/lightd-api-client';
import { ContainerStore } from '../store/container.store';
import type { ContainerEvent } from './container-update-plan';
import type { ReportingDaemon } from './daemon-token-directory';

/** An update the batch did not apply as it came (e.g. `installing` for a ready container). */
export interface StatusDoubt {
  daemon: ReportingDaemon;
  containerId: string;
  internalId: string;
  /** When that update arrived. */
  askedAt: Date;
}

/** Where an answer goes: the update batch's queue, like any update (one writer of containers' state). */
export type StatusAnswerSink = (answer: { daemon: ReportingDaemon; event: ContainerEvent; at: Date }) => Promise<void>;

/** Lightd's own HTTP client times out after 10 s; so does Pharos asking it. */
const CHECK_TIMEOUT_MS = 10_000;

/**
 * Asks Lightd's own API what holds when an update is doubtful (docs/protocols/lightd-remote.md
 * §3: `GET /containers/{internal_id}/status`, the master token and the vendor `Accept`), and
 * hands the answer to the update batch as a `status_check` event: it is kept in the
 * container's history and sets the status when it differs. One check per container at a time;
 * a daemon without an API token, or unreachable, leaves the status as it is.
 */
@Injectable()
export class ContainerStatusChecker implements OnModuleDestroy {
  private readonly logger = new Logger(ContainerStatusChecker.name);
  private readonly inFlight = new Map<string, Promise<void>>();
  private sink?: StatusAnswerSink;
  private stopped = false;

  constructor(
    private readonly containers: ContainerStore,
    private readonly apiTokens: DaemonApiTokenVault,
    private readonly api: LightdApiClient,
  ) {}

  /** Set once by the service that owns the update queue. */
  answerTo(sink: StatusAnswerSink): void {
    this.sink = sink;
  }

  /** Checks each doubtful container (after the batch that raised the doubt committed). */
  ask(doubts: StatusDoubt[]): void {
    for (const doubt of doubts) {
      if (this.stopped || this.inFlight.has(doubt.containerId)) continue;
      const check = this.check(doubt).finally(() => this.inFlight.delete(doubt.containerId));
      this.inFlight.set(doubt.containerId, check);
    }
  }

  /** Waits for the checks under way. */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled(this.inFlight.values());
  }

  private async check(doubt: StatusDoubt): Promise<void> {
    try {
      const row = await this.containers.consoleEndpoint(doubt.containerId);
      if (!row || !this.sink) return;
      const reply = await this.api.installStatus(this.apiTokens.daemonApi(row.daemon), doubt.internalId, CHECK_TIMEOUT_MS);
      await this.sink({
        daemon: doubt.daemon,
        event: { kind: 'status_check', body: { event: 'status_check', server: doubt.internalId, asked_at: doubt.askedAt.toISOString(), ...reply } },
        at: new Date(),
      });
    } catch (error) {
      if (error instanceof LightdApiError || error instanceof DaemonApiUnavailable) {
        this.logger.debug({ container: doubt.containerId, reason: error.message }, 'could not confirm a container status with its daemon; it stays as it was');
        return;
      }
      this.logger.warn({ err: error, container: doubt.containerId }, 'could not record a container status check');
    }
  }
}
