import { Injectable } from '@nestjs/common';
import type { AlertChannel } from '@pharos/database';
import type { ChannelDetail, ChannelView } from '@pharos/protocol';
import { randomUUID } from 'node:crypto';
import { type AuditActor, AuditLogService } from '../../identity/audit/audit-log.service';
import { NotificationStore } from '../../fleet/notifications/notification.store';
import { PharosConfig } from '../../platform/config/pharos-config';
import { Transactions } from '../../platform/database/transactions';
import { InvalidInputError, NotFoundError } from '../../platform/errors/domain-errors';
import { isUuid } from '../../platform/http/uuid';
import { ChannelVault } from './channel-vault';
import { composeMessage } from './notification-text';
import { ChannelUrlError, type DeliveryResult, type NotificationProvider } from './providers/notification-provider';
import { channelTarget } from './providers/providers';

export function toChannelView(channel: AlertChannel, pending = 0): ChannelView {
  return {
    id: channel.id,
    name: channel.name,
    kind: channel.kind,
    url: channel.redactedUrl,
    hasSecret: channel.sealedSecret !== null,
    isDefault: channel.isDefault,
    enabled: channel.enabled,
    lastDelivery: channel.lastDeliveryAt ? { at: channel.lastDeliveryAt.toISOString(), ok: channel.lastDeliveryOk ?? false, error: channel.lastDeliveryError } : null,
    pending,
    createdAt: channel.createdAt.toISOString(),
  };
}

export interface ChannelInput {
  name: string;
  url: string;
  secret?: string;
  isDefault?: boolean;
  enabled?: boolean;
}

/** What is shown of a URL: controls (a query value may decode to one) cannot be stored as text. */
function shown(redacted: string): string {
  // eslint-disable-next-line no-control-regex
  return redacted.replace(/[\u0000-\u001f\u007f-\u009f]/g, '\ufffd');
}

/** The URL checked by its provider, or a 400 naming `url`. */
function target(url: string): { url: URL; provider: NotificationProvider } {
  try {
    return channelTarget(url);
  } catch (error) {
    if (error instanceof ChannelUrlError) throw new InvalidInputError(`url: ${error.message}`, 'url');
    throw error;
  }
}

/** Notification channels: added by URL (checked, sealed), listed redacted, tested. */
@Injectable()
export class ChannelsService {
  constructor(
    private readonly store: NotificationStore,
    private readonly vault: ChannelVault,
    private readonly transactions: Transactions,
    private readonly audit: AuditLogService,
    private readonly config: PharosConfig,
  ) {}

  async list(): Promise<ChannelView[]> {
    const [channels, pending] = await Promise.all([this.store.channels(), this.store.pendingCounts()]);
    return channels.map((c) => toChannelView(c, pending.get(c.id) ?? 0));
  }

  async get(id: string): Promise<AlertChannel> {
    const channel = isUuid(id) ? await this.store.channel(id) : null;
    if (!channel) throw new NotFoundError(`channel ${id} not found`);
    return channel;
  }

  async view(id: string): Promise<ChannelDetail> {
    const channel = await this.get(id);
    const [pending, attempts] = await Promise.all([this.store.pendingCounts(), this.store.attemptsOf(id, 20)]);
    return {
      ...toChannelView(channel, pending.get(id) ?? 0),
      attempts: attempts.map((a) => ({ at: a.at.toISOString(), ok: a.ok, statusCode: a.statusCode, error: a.error })),
    };
  }

  async create(input: ChannelInput, actor: AuditActor): Promise<AlertChannel> {
    const { url, provider } = target(input.url);
    const id = randomUUID();
    return this.transactions.run(async (tx) => {
      const channel = await this.store.createChannel(
        {
          id,
          name: input.name,
          kind: provider.kind,
          sealedUrl: this.vault.sealUrl(id, url.toString()),
          sealedSecret: input.secret ? this.vault.sealSecret(id, input.secret) : null,
          redactedUrl: shown(provider.redact(url)),
          isDefault: input.isDefault ?? true,
          enabled: input.enabled ?? true,
        },
        tx,
      );
      // The audit entry names the kind and redacted URL, never the URL or secret.
      await this.audit.record(actor, 'alert_channel.create', { type: 'alert_channel', id }, { name: input.name, kind: provider.kind, url: channel.redactedUrl }, tx);
      return channel;
    });
  }

  async update(id: string, patch: Partial<ChannelInput>, actor: AuditActor): Promise<AlertChannel> {
    await this.get(id);
    const changes: Parameters<NotificationStore['updateChannel']>[1] = {};
    if (patch.name !== undefined) changes.name = patch.name;
    if (patch.isDefault !== undefined) changes.isDefault = patch.isDefault;
    if (patch.enabled !== undefined) changes.enabled = patch.enabled;
    if (patch.url !== undefined) {
      const { url, provider } = target(patch.url);
      Object.assign(changes, { kind: provider.kind, sealedUrl: this.vault.sealUrl(id, url.toString()), redactedUrl: shown(provider.redact(url)) });
    }
    if (patch.secret !== undefined) {
      if (patch.secret !== '' && patch.secret.length < 16) throw new InvalidInputError('secret must be at least 16 characters (or "" to remove it)', 'secret');
      changes.sealedSecret = patch.secret === '' ? null : this.vault.sealSecret(id, patch.secret);
    }
    return this.transactions.run(async (tx) => {
      const channel = await this.store.updateChannel(id, changes, tx);
      const said = { ...(patch.name !== undefined ? { name: patch.name } : {}), ...(patch.url !== undefined ? { url: channel.redactedUrl } : {}), ...(patch.secret !== undefined ? { secret: 'changed' } : {}), ...(patch.isDefault !== undefined ? { isDefault: patch.isDefault } : {}), ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}) };
      await this.audit.record(actor, 'alert_channel.update', { type: 'alert_channel', id }, said, tx);
      return channel;
    });
  }

  async delete(id: string, actor: AuditActor): Promise<void> {
    const channel = await this.get(id);
    await this.transactions.run(async (tx) => {
      await this.store.deleteChannel(id, tx);
      await this.audit.record(actor, 'alert_channel.delete', { type: 'alert_channel', id }, { name: channel.name }, tx);
    });
  }

  /** Sends a test message now (not through the outbox) and records the result on the channel. */
  async test(id: string): Promise<DeliveryResult> {
    const channel = await this.get(id);
    const test = { idempotencyKey: `test:${randomUUID()}`, payload: { event: 'test' as const, text: `Test notification from Pharos for channel "${channel.name}".` } };
    const result = await this.send(channel, composeMessage([test]));
    const at = new Date();
    const error = result.ok ? null : (result.error ?? 'failed');
    // In the channel's delivery history too, like every real delivery.
    await this.store.recordTestSend(id, test.idempotencyKey, test.payload, at, { ok: result.ok, statusCode: result.statusCode ?? null, error });
    await this.store.recordChannelResult(id, at, result.ok, error);
    return result;
  }

  /** Opens the channel's URL and secret and hands the message to its provider. */
  async send(channel: AlertChannel, message: ReturnType<typeof composeMessage>): Promise<DeliveryResult> {
    let url: URL;
    let provider: NotificationProvider;
    let secret: string | undefined;
    try {
      ({ url, provider } = channelTarget(this.vault.openUrl(channel.id, channel.sealedUrl)));
      secret = channel.sealedSecret ? this.vault.openSecret(channel.id, channel.sealedSecret) : undefined;
    } catch (error) {
      return { ok: false, error: `the channel cannot be used: ${error instanceof Error ? error.message : String(error)}` };
    }
    return provider.send(url, message, { settings: this.config.notifications, ...(secret ? { secret } : {}) });
  }
}
