import { Logger } from '@nestjs/common';
import { type OnGatewayConnection, type OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import { FRONTEND_METRICS_WS_PATH } from '@pharos/protocol';
import type { IncomingMessage } from 'node:http';
import type { WebSocket, WebSocketServer } from 'ws';
import { AlertsService } from '../../fleet/alerts/alerts.service';
import { FleetEventBus } from '../../platform/events/fleet-event-bus';
import { wsPathParams } from '../../platform/websockets/ws-path';
import { LIVE_MAX_CLIENT_MESSAGE_BYTES, LiveSocketsService } from './live-sockets.service';
import { LiveSubjectsService } from './live-subjects.service';

/**
 * `/api/v1/ws/metrics/{server_id}` (docs/protocols/agent-websocket.md): after auth, every sample of the server from any
 * source as `{"type":"metrics","data":…}`, and its alerts as `{"type":"alert","data":…}`
 * (those firing now first).
 */
@WebSocketGateway({ path: FRONTEND_METRICS_WS_PATH })
export class MetricsLiveGateway implements OnGatewayInit, OnGatewayConnection {
  private readonly logger = new Logger(MetricsLiveGateway.name);

  constructor(
    private readonly live: LiveSocketsService,
    private readonly subjects: LiveSubjectsService,
    private readonly alerts: AlertsService,
    private readonly bus: FleetEventBus,
  ) {}

  afterInit(server: WebSocketServer): void {
    server.options.maxPayload = LIVE_MAX_CLIENT_MESSAGE_BYTES;
  }

  handleConnection(socket: WebSocket, request: IncomingMessage): void {
    const { serverId = '' } = wsPathParams(FRONTEND_METRICS_WS_PATH, request.url);
    void this.stream(socket, serverId).catch((error: unknown) => this.logger.error({ err: error, serverId }, 'metrics socket failed'));
  }

  private async stream(socket: WebSocket, serverId: string): Promise<void> {
    const stream = await this.live.open(socket, (user) => this.subjects.server(user, serverId));
    if (!stream) return;
    const offMetrics = this.bus.subscribe('metrics', serverId, (data) => stream.push({ type: 'metrics', data }));
    const offAlerts = this.bus.subscribe('alert', serverId, (data) => stream.push({ type: 'alert', data }));
    stream.onEnd(() => {
      offMetrics();
      offAlerts();
    });
    for (const alert of await this.alerts.firing(serverId)) stream.push({ type: 'alert', data: alert });
  }
}
