import { Logger } from '@nestjs/common';
import { type OnGatewayConnection, type OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import { FRONTEND_LOGS_WS_PATH, type LogEntryData } from '@pharos/protocol';
import type { IncomingMessage } from 'node:http';
import type { WebSocket, WebSocketServer } from 'ws';
import { PharosConfig } from '../../platform/config/pharos-config';
import { EventLogService } from '../../fleet/event-log/event-log.service';
import { FleetEventBus } from '../../platform/events/fleet-event-bus';
import { wsPathParams } from '../../platform/websockets/ws-path';
import { LIVE_MAX_CLIENT_MESSAGE_BYTES, LiveSocketsService } from './live-sockets.service';
import { LiveSubjectsService } from './live-subjects.service';

/**
 * `/api/v1/ws/logs/{id}` (docs/protocols/agent-websocket.md): the event stream of a server, a Lightd daemon or a Lightd
 * container as `{"type":"log","data":{"level","message","timestamp",…}}` — the latest entries
 * first, then each new one. Live entries are subscribed to before the history is read and
 * sent after it, skipping any the history already held, so none is lost or repeated.
 */
@WebSocketGateway({ path: FRONTEND_LOGS_WS_PATH })
export class LogsLiveGateway implements OnGatewayInit, OnGatewayConnection {
  private readonly logger = new Logger(LogsLiveGateway.name);

  constructor(
    private readonly live: LiveSocketsService,
    private readonly subjects: LiveSubjectsService,
    private readonly eventLog: EventLogService,
    private readonly bus: FleetEventBus,
    private readonly config: PharosConfig,
  ) {}

  afterInit(server: WebSocketServer): void {
    server.options.maxPayload = LIVE_MAX_CLIENT_MESSAGE_BYTES;
  }

  handleConnection(socket: WebSocket, request: IncomingMessage): void {
    const { serverId: subjectId = '' } = wsPathParams(FRONTEND_LOGS_WS_PATH, request.url);
    void this.stream(socket, subjectId).catch((error: unknown) => this.logger.error({ err: error, subjectId }, 'logs socket failed'));
  }

  private async stream(socket: WebSocket, subjectId: string): Promise<void> {
    const stream = await this.live.open(socket, (user) => this.subjects.withEventLog(user, subjectId));
    if (!stream) return;
    let backlog: LogEntryData[] | null = [];
    let lastSent = -1n;
    const send = (entry: LogEntryData) => {
      const id = entry.id === undefined ? undefined : BigInt(entry.id);
      if (id !== undefined) {
        if (id <= lastSent) return;
        lastSent = id;
      }
      stream.push({ type: 'log', data: entry });
    };
    const off = this.bus.subscribe('log', subjectId, (entry) => (backlog ? backlog.push(entry) : send(entry)));
    stream.onEnd(off);
    const history = await this.eventLog.recent(subjectId, this.config.liveLogHistory);
    for (const entry of history) send(entry);
    const live = backlog;
    backlog = null;
    for (const entry of live) send(entry);
  }
}
