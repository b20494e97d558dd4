import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { FrontendCloseCode, type LightdContainerCommand } from '@pharos/protocol';
import type { AuthenticatedUser } from '../../../identity/access/authenticated-user';
import { PharosConfig } from '../../../platform/config/pharos-config';
import { Transactions } from '../../../platform/database/transactions';
import { ForbiddenError, NotFoundError, ServiceUnavailableError } from '../../../platform/errors/domain-errors';
import { AuditLogService } from '../../../identity/audit/audit-log.service';
import { EventLogService } from '../../../fleet/event-log/event-log.service';
import { FleetEventBus } from '../../../platform/events/fleet-event-bus';
import { DaemonApiTokenVault, DaemonApiUnavailable } from '../daemons/daemon-api-token-vault';
import { type DaemonApi, LightdApiClient, LightdApiError } from '../daemons/lightd-api-client';
import { ContainerStore } from '../store/container.store';
import { type ConsoleEndpoint, ConsoleEndpointError, type ConsoleViewer, DaemonConsoleLink } from './daemon-console-link';
import { lightdContainerSocketUrl } from './lightd-socket-url';

/** A viewer's hold on a container console. */
export interface ConsoleSession {
  /** Relays a validated client message to the daemon; commands and power actions are recorded first. */
  relay(command: LightdContainerCommand): Promise<void>;
  /** The viewer left; the daemon connection closes with the last one. */
  detach(): void;
}

interface ConsoleContainer {
  id: string;
  internalId: string;
  daemon: { id: string; name: string };
}

/**
 * Opens Lightd container consoles for admins: one daemon connection per container, shared by
 * all its viewers, and the record of every command and power action sent through it (audit
 * log and the container's event log: who, what, when). A daemon's consoles close when it is
 * removed (`daemon.deleted`).
 */
@Injectable()
export class ContainerConsoleHub implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('LightdConsole');
  private readonly links = new Map<string, { link: DaemonConsoleLink; daemonId: string }>();
  private stopEnding?: () => void;

  constructor(
    private readonly containers: ContainerStore,
    private readonly transactions: Transactions,
    private readonly apiTokens: DaemonApiTokenVault,
    private readonly audit: AuditLogService,
    private readonly eventLog: EventLogService,
    private readonly bus: FleetEventBus,
    private readonly config: PharosConfig,
    private readonly lightdApi: LightdApiClient,
  ) {}

  onModuleInit(): void {
    this.stopEnding = this.bus.subscribeAll('daemon.deleted', (_, daemonId) => this.endDaemon(daemonId, 'the daemon was removed from Pharos'));
  }

  /** Browsers watching a console on this instance now (the `consoles` socket gauge). */
  viewerCount(): number {
    let viewers = 0;
    for (const { link } of this.links.values()) viewers += link.viewerCount;
    return viewers;
  }

  /** Adds a viewer to a container's console (404 when the container does not exist). */
  async attach(containerId: string, viewer: ConsoleViewer): Promise<ConsoleSession> {
    const container = await this.containers.forConsole(containerId);
    if (!container) throw new NotFoundError(`no Lightd container ${containerId}`);
    viewer.send({
      type: 'attached',
      container: { id: container.id, internal_id: container.internalId, daemon_id: container.daemon.id, daemon_name: container.daemon.name, status: container.status },
      can_drive: canDrive(viewer.user),
    });
    let entry = this.links.get(container.id);
    if (!entry) {
      entry = { link: this.openLink(container), daemonId: container.daemon.id };
      this.links.set(container.id, entry);
    }
    const { link } = entry;
    link.add(viewer);
    return {
      relay: (command) => this.relay(container, link, viewer, command),
      detach: () => {
        link.remove(viewer);
        if (link.viewerCount === 0 && this.links.get(container.id)?.link === link) this.dropLink(container.id, link);
      },
    };
  }

  /** The daemon's address or token changed: its open consoles reconnect with the new ones. */
  reconnectDaemon(daemonId: string): void {
    for (const { link, daemonId: owner } of this.links.values()) {
      if (owner === daemonId) link.reconnectNow('the daemon\'s settings changed in Pharos: reconnecting');
    }
  }

  /** The daemon is gone: its consoles close with `message`. */
  private endDaemon(daemonId: string, message: string): void {
    for (const [containerId, { link, daemonId: owner }] of this.links) {
      if (owner === daemonId) this.dropLink(containerId, link, { code: FrontendCloseCode.Forbidden, message });
    }
  }

  onModuleDestroy(): void {
    this.stopEnding?.();
    for (const [containerId, { link }] of this.links) {
      this.dropLink(containerId, link, { code: FrontendCloseCode.GoingAway, message: 'Pharos is shutting down' });
    }
  }

  private openLink(container: ConsoleContainer): DaemonConsoleLink {
    const settings = this.config.lightd;
    const link: DaemonConsoleLink = new DaemonConsoleLink(
      `Lightd daemon "${container.daemon.name}"`,
      () => this.endpoint(container.id),
      {
        reconnectMinMs: settings.consoleReconnectMinMs,
        reconnectMaxMs: settings.consoleReconnectMaxMs,
        connectTimeoutMs: settings.consoleConnectTimeoutMs,
        pingIntervalMs: settings.consolePingSeconds * 1000,
      },
      (message) => this.dropLink(container.id, link, { code: FrontendCloseCode.Forbidden, message }),
      this.logger,
    );
    link.start();
    return link;
  }

  private dropLink(containerId: string, link: DaemonConsoleLink, viewersClose?: { code: number; message: string }): void {
    link.close(viewersClose);
    if (this.links.get(containerId)?.link === link) this.links.delete(containerId);
  }

  /**
   * The daemon socket of a container, read fresh so a changed address or token is used, with a
   * socket token minted for this attempt: Lightd v2 refuses its master token on the socket
   * (docs/protocols/lightd-remote.md §4). A daemon that does not serve the mint route (the seed
   * documents' Lightd) is given the API token itself, as those documents had it.
   */
  private async endpoint(containerId: string): Promise<ConsoleEndpoint> {
    const row = await this.containers.consoleEndpoint(containerId);
    if (!row) throw new ConsoleEndpointError('the container no longer exists in Pharos', true);
    const { daemon } = row;
    let api: DaemonApi;
    try {
      api = this.apiTokens.daemonApi(daemon);
    } catch (error) {
      if (error instanceof DaemonApiUnavailable) throw new ConsoleEndpointError(error.message);
      throw error;
    }
    const { consoleTokenTtlSeconds, consoleConnectTimeoutMs } = this.config.lightd;
    let token: string;
    try {
      token = await this.lightdApi.mintSocketToken(api, consoleTokenTtlSeconds, consoleConnectTimeoutMs);
    } catch (error) {
      if (!(error instanceof LightdApiError)) throw error;
      if (!error.notServed) throw new ConsoleEndpointError(`could not get a console token: ${error.message}`);
      return { socketUrl: lightdContainerSocketUrl(daemon.apiUrl, row.internalId, api.apiToken), secrets: [api.apiToken], minted: false };
    }
    return { socketUrl: lightdContainerSocketUrl(daemon.apiUrl, row.internalId, token), secrets: [token, api.apiToken], minted: true };
  }

  private async relay(container: ConsoleContainer, link: DaemonConsoleLink, viewer: ConsoleViewer, command: LightdContainerCommand): Promise<void> {
    const drives = command.event !== 'request_logs';
    if (drives && !canDrive(viewer.user)) throw new ForbiddenError('viewers may watch a console but not send commands or power actions');
    if (!link.connected) throw new ServiceUnavailableError(`not connected to Lightd daemon "${container.daemon.name}": ${command.event} was not sent`);
    // Recorded before it is sent: an action Pharos cannot account for is not sent at all.
    if (drives) await this.recordAction(container, viewer.user, command);
    if (!link.send(command, viewer)) {
      if (drives) {
        await this.eventLog.record('lightd_container', container.id, {
          level: 'WARN',
          kind: 'console.undelivered',
          message: `The connection to the daemon dropped before ${describe(command)} from ${viewer.user.username} was sent`,
        });
      }
      throw new ServiceUnavailableError(`the connection to Lightd daemon "${container.daemon.name}" dropped: ${command.event} was not sent`);
    }
  }

  private async recordAction(container: ConsoleContainer, user: AuthenticatedUser, command: LightdContainerCommand): Promise<void> {
    const isPower = command.event === 'power';
    const what = command.event === 'power' ? { action: command.action } : command.event === 'send_command' ? { command: command.command } : {};
    const entries = await this.transactions.run(async (tx) => {
      await this.audit.record(
        user,
        isPower ? 'lightd.console.power' : 'lightd.console.command',
        { type: 'lightd_container', id: container.id },
        { ...what, internalId: container.internalId, daemonId: container.daemon.id },
        tx,
      );
      const entry = await this.eventLog.append(
        'lightd_container',
        container.id,
        {
          kind: isPower ? 'console.power' : 'console.command',
          message: `${user.username} sent ${describe(command)}`,
          data: { ...what, userId: user.id, username: user.username },
        },
        tx,
      );
      return [entry];
    });
    this.eventLog.publishCommitted(container.id, entries);
  }
}

function canDrive(user: AuthenticatedUser): boolean {
  return user.role === 'admin';
}

function describe(command: LightdContainerCommand): string {
  if (command.event === 'power') return `power action "${command.action}"`;
  if (command.event === 'send_command') return `command: ${command.command.replace(/\r?\n$/, '')}`;
  return 'a log request';
}
