import { PrismaService } from '@pharos/database';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventually } from './support/eventually';
import { IthiltirNodeEmulator } from './support/ithiltir-node-emulator';
import { healthyReport } from './support/node-report-health';
import { NotificationReceiver } from './support/notification-receiver';
import { startPharos, type RunningPharos } from './support/pharos-test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';

const SECRET = 'webhook-signing-secret-0123456789';

function verifySignature(body: string, header: string | undefined, secret: string): boolean {
  if (!header?.startsWith('sha256=')) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(body).digest('hex'));
  const given = Buffer.from(header.slice('sha256='.length));
  return expected.length === given.length && timingSafeEqual(expected, given);
}

describe('alert notifications (outbox, channels, delivery)', () => {
  let receiver: NotificationReceiver;
  let db: TestDatabase;
  let dataDir: string;
  let pharos: RunningPharos;
  let token: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    receiver = await NotificationReceiver.start();
    db = await createTestDatabase();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'pharos-alerts-'));
    env = {
      PHAROS_SECRET_KEY: 'k'.repeat(40),
      NOTIFY_POLL_MS: '50',
      NOTIFY_GROUP_MS: '700',
      NOTIFY_RETRY_BASE_MS: '150',
      NOTIFY_RETRY_MAX_MS: '600',
      NOTIFY_SLACK_URL: receiver.url,
      NOTIFY_DISCORD_URL: receiver.url,
      NOTIFY_TELEGRAM_URL: receiver.url,
      ALERT_REPEAT_SWEEP_SECONDS: '0.2',
    };
    pharos = await startPharos({ env, database: db, dataDir });
    token = await pharos.login();
    // The built-in rules would fire on the simulated node's own findings: this file is about delivery.
    const rules = await pharos.request('/api/v1/alerts/rules', { token });
    for (const rule of rules.body.items.filter((r: { builtIn: boolean }) => r.builtIn)) {
      expect((await pharos.request(`/api/v1/alerts/rules/${rule.id}`, { method: 'PATCH', token, body: { enabled: false } })).status).toBe(200);
    }
  });
  afterAll(async () => {
    await pharos.close();
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
    await receiver.close();
  });

  async function node(name: string): Promise<{ id: string; emulator: IthiltirNodeEmulator }> {
    const res = await pharos.request('/api/v1/nodes', { token, body: { name } });
    expect(res.status).toBe(201);
    return { id: res.body.node.id, emulator: new IthiltirNodeEmulator({ targetUrl: `${pharos.baseUrl}/api/node/metrics`, key: res.body.secret }) };
  }

  async function cpu(emulator: IthiltirNodeEmulator, ratio: number): Promise<void> {
    expect((await emulator.report(healthyReport(emulator.nextReport(), ratio))).status).toBe(200);
  }

  async function channel(name: string, url: string, extra: Record<string, unknown> = {}): Promise<string> {
    const res = await pharos.request('/api/v1/alerts/channels', { token, body: { name, url, isDefault: false, ...extra } });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  async function cpuRule(serverId: string, channelIds: string[], extra: Record<string, unknown> = {}): Promise<string> {
    const res = await pharos.request('/api/v1/alerts/rules', { token, body: { name: 'CPU high', metric: 'cpu_percent', op: 'gt', threshold: 90, serverId, channelIds, cooldownSeconds: 0, ...extra } });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  it('refuses an unknown scheme, a malformed URL and a rule on an unknown metric with a 400 naming the field, storing nothing', async () => {
    const prisma = pharos.app.get(PrismaService);
    const before = { channels: await prisma.alertChannel.count(), rules: await prisma.alertRule.count() };
    const unknown = await pharos.request('/api/v1/alerts/channels', { token, body: { name: 'x', url: 'pigeon://coop/1' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.field).toBe('url');
    expect(unknown.body.message).toContain('unknown scheme "pigeon"');
    const malformed = await pharos.request('/api/v1/alerts/channels', { token, body: { name: 'x', url: 'not a url' } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.field).toBe('url');
    const noChats = await pharos.request('/api/v1/alerts/channels', { token, body: { name: 'x', url: 'telegram://123:abc@telegram' } });
    expect(noChats.status).toBe(400);
    expect(noChats.body.message).toContain('chats');
    const metric = await pharos.request('/api/v1/alerts/rules', { token, body: { name: 'x', metric: 'coffee_level', op: 'lt', threshold: 1 } });
    expect(metric.status).toBe(400);
    expect(metric.body.field).toBe('metric');
    expect({ channels: await prisma.alertChannel.count(), rules: await prisma.alertRule.count() }).toEqual(before);
  });

  it('never returns a channel URL or secret, stores them sealed, and lets viewers read but not write', async () => {
    const id = await channel('tg-redacted', 'telegram://110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw@telegram?chats=@ops', { secret: SECRET });
    const listed = await pharos.request('/api/v1/alerts/channels', { token });
    const view = listed.body.items.find((c: { id: string }) => c.id === id);
    expect(view.url).toBe('telegram://110201543:AA***@telegram?chats=@ops');
    expect(JSON.stringify(listed.body)).not.toContain('AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw');
    const row = await pharos.app.get(PrismaService).alertChannel.findUniqueOrThrow({ where: { id } });
    expect(`${row.sealedUrl}${row.sealedSecret}`).not.toContain('AAHdqTcv');
    expect(`${row.sealedUrl}${row.sealedSecret}`).not.toContain(SECRET);

    const created = await pharos.request('/api/v1/users', { token, body: { username: 'alert-viewer', password: 'viewer-password-1', role: 'viewer' } });
    expect(created.status).toBe(201);
    const viewer = await pharos.login('alert-viewer', 'viewer-password-1');
    expect((await pharos.request('/api/v1/alerts/channels', { token: viewer })).status).toBe(200);
    expect((await pharos.request('/api/v1/alerts/channels', { token: viewer, body: { name: 'v', url: 'https://example.com/hook' } })).status).toBe(403);
    expect((await pharos.request(`/api/v1/alerts/channels/${id}`, { method: 'DELETE', token })).status).toBe(204);
  });

  it('delivers a signed JSON webhook when a rule fires and when it resolves, committed with the incident', async () => {
    const { id, emulator } = await node('notify-webhook');
    const channelId = await channel('hook', `${receiver.url}/hooks/pharos`, { secret: SECRET });
    await cpuRule(id, [channelId]);
    await cpu(emulator, 0.97);
    await eventually(() => expect(receiver.to('/hooks/pharos')).toHaveLength(1), 10_000);
    const incident = (await pharos.request(`/api/v1/alerts/incidents?serverId=${id}&state=firing`, { token })).body.items[0];
    const outbox = await pharos.app.get(PrismaService).alertNotification.findMany({ where: { incidentId: incident.id } });
    expect(outbox.map((n) => n.event)).toEqual(['firing']);

    await cpu(emulator, 0.2);
    await eventually(() => expect(receiver.to('/hooks/pharos')).toHaveLength(2), 10_000);
    const [fired, resolved] = receiver.to('/hooks/pharos');
    for (const request of [fired!, resolved!]) {
      expect(verifySignature(request.body, request.headers['x-pharos-signature-256'] as string, SECRET)).toBe(true);
      expect(verifySignature(request.body, request.headers['x-pharos-signature-256'] as string, 'another-secret-of-some-length')).toBe(false);
      expect(request.headers['content-type']).toBe('application/json');
    }
    const firedBody = JSON.parse(fired!.body);
    expect(firedBody.alerts).toEqual([expect.objectContaining({ event: 'firing', rule: 'CPU high', serverId: id, serverName: 'notify-webhook', severity: 'warning', value: 97 })]);
    expect(firedBody.idempotency_keys).toEqual([`${incident.id}:firing:${channelId}`]);
    expect(fired!.headers['idempotency-key']).toBe(`${incident.id}:firing:${channelId}`);
    expect(JSON.parse(resolved!.body).alerts[0]).toEqual(expect.objectContaining({ event: 'resolved', value: 20 }));
    const view = await pharos.request(`/api/v1/alerts/channels/${channelId}`, { token });
    expect(view.body.lastDelivery).toEqual(expect.objectContaining({ ok: true }));
    expect(view.body.attempts).toHaveLength(2);
  });

  it('posts Slack, Discord, Teams, ntfy, Gotify and Telegram messages in each provider\'s own request shape', async () => {
    const { id, emulator } = await node('notify-providers');
    const ids = [
      await channel('slack', 'slack://hook:T0001-B0002-XXXXXXXXXXXX@webhook'),
      await channel('discord', 'discord://webhooktoken123@123456789012345678'),
      await channel('teams', `teams://group1@tenant1/alt1/owner1?host=${receiver.host}&disabletls=yes`),
      await channel('ntfy', `ntfy://alice:pw@${receiver.host}/pharos-alerts?scheme=http`),
      await channel('gotify', `gotify://${receiver.host}/gotify/AppToken123?disabletls=yes`),
      await channel('telegram', 'telegram://110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw@telegram?chats=@ops,-1001234'),
    ];
    await cpuRule(id, ids, { notifyResolved: false, severity: 'critical' });
    await cpu(emulator, 0.99);

    await eventually(() => expect(receiver.to('/bot110201543')).toHaveLength(2), 10_000);
    const slack = await eventually(() => receiver.firstTo('/services/T0001/B0002/XXXXXXXXXXXX'));
    expect(JSON.parse(slack.body)).toEqual({ text: expect.stringContaining('[FIRING] CPU high on notify-providers') });

    const discord = await eventually(() => receiver.firstTo('/api/webhooks/123456789012345678/webhooktoken123'));
    expect(JSON.parse(discord.body)).toEqual({ content: expect.stringContaining('CPU high on notify-providers') });

    const teams = await eventually(() => receiver.firstTo('/webhookb2/group1@tenant1/IncomingWebhook/alt1/owner1'));
    expect(JSON.parse(teams.body)).toEqual(expect.objectContaining({ '@type': 'MessageCard', '@context': 'https://schema.org/extensions', themeColor: 'D70000', title: expect.stringContaining('CPU high') }));

    const ntfy = await eventually(() => receiver.firstTo('/pharos-alerts'));
    expect(ntfy.method).toBe('POST');
    expect(ntfy.headers.title).toBe('[FIRING] CPU high on notify-providers');
    expect(ntfy.headers.priority).toBe('5');
    expect(ntfy.headers.authorization).toBe(`Basic ${Buffer.from('alice:pw').toString('base64')}`);
    expect(ntfy.body).toContain('critical · notify-providers · CPU high: cpu_percent 99 > 90');

    const gotify = await eventually(() => receiver.firstTo('/gotify/message'));
    expect(gotify.headers['x-gotify-key']).toBe('AppToken123');
    expect(JSON.parse(gotify.body)).toEqual({ title: '[FIRING] CPU high on notify-providers', message: expect.stringContaining('cpu_percent 99'), priority: 8 });

    const telegram = receiver.to('/bot110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/sendMessage');
    expect(telegram.map((r) => JSON.parse(r.body).chat_id).sort()).toEqual(['-1001234', '@ops']);
    expect(JSON.parse(telegram[0]!.body)).toEqual(expect.objectContaining({ text: expect.stringContaining('CPU high on notify-providers') }));
  });

  it('sends the e-mail through an SMTP server over STARTTLS (nodemailer), and a test message on request', async () => {
    const mails: { from: string; to: string[]; data: string; secure: boolean; user?: string }[] = [];
    const smtp = new SMTPServer({
      // The library's own self-signed certificate: STARTTLS is offered and used.
      authOptional: false,
      onAuth(auth, _session, callback) {
        if (auth.username === 'mailer' && auth.password === 'mail-pass') callback(null, { user: auth.username });
        else callback(new Error('bad credentials'));
      },
      onData(stream, session, callback) {
        let data = '';
        stream.on('data', (c: Buffer) => (data += c.toString()));
        stream.on('end', () => {
          mails.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), data, secure: session.secure, user: session.user as string });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const port = (smtp.server.address() as AddressInfo).port;
    try {
      const { id, emulator } = await node('notify-mail');
      const channelId = await channel('mail', `smtp://mailer:mail-pass@127.0.0.1:${port}/?from=pharos@example.com&to=ops@example.com,oncall@example.com&encryption=explicit&skiptlsverify=yes`);
      const listed = await pharos.request(`/api/v1/alerts/channels/${channelId}`, { token });
      expect(listed.body.url).not.toContain('mail-pass');
      const test = await pharos.request(`/api/v1/alerts/channels/${channelId}/test`, { method: 'POST', token });
      expect(test.body).toEqual({ ok: true, statusCode: 250 });
      // The test send is in the channel's delivery history.
      expect((await pharos.request(`/api/v1/alerts/channels/${channelId}`, { token })).body.attempts).toEqual([expect.objectContaining({ ok: true, statusCode: 250, error: null })]);
      await cpuRule(id, [channelId], { notifyResolved: false });
      await cpu(emulator, 0.95);
      await eventually(() => expect(mails).toHaveLength(2), 10_000);
      expect(mails[0]!.data).toContain('Subject: Pharos test notification');
      const alert = mails[1]!;
      expect(alert).toEqual(expect.objectContaining({ from: 'pharos@example.com', to: ['ops@example.com', 'oncall@example.com'], secure: true, user: 'mailer' }));
      expect(alert.data).toContain('Subject: [FIRING] CPU high on notify-mail');
      expect(alert.data).toContain('X-Pharos-Idempotency-Key:');
    } finally {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    }
  });

  it('retries a receiver that answers 500 three times, then 200: exactly one delivery, every attempt recorded', async () => {
    const { id, emulator } = await node('notify-retry');
    receiver.script('/hooks/flaky', [500, 500, 500]);
    const channelId = await channel('flaky', `${receiver.url}/hooks/flaky`);
    await cpuRule(id, [channelId], { notifyResolved: false });
    await cpu(emulator, 0.93);
    await eventually(() => expect(receiver.to('/hooks/flaky').map((r) => r.status)).toEqual([500, 500, 500, 200]), 15_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(receiver.to('/hooks/flaky')).toHaveLength(4);
    const keys = new Set(receiver.to('/hooks/flaky').map((r) => r.headers['idempotency-key']));
    expect(keys.size).toBe(1);
    const attempts = await pharos.app.get(PrismaService).alertDeliveryAttempt.findMany({ where: { channelId }, orderBy: { id: 'asc' } });
    expect(attempts.map((a) => [a.ok, a.statusCode])).toEqual([
      [false, 500],
      [false, 500],
      [false, 500],
      [true, 200],
    ]);
    const row = await pharos.app.get(PrismaService).alertNotification.findFirstOrThrow({ where: { channelId } });
    expect(row).toEqual(expect.objectContaining({ state: 'sent', attempts: 3 }));
  });

  it('groups alerts that fire together into one message per channel, and sends one per cooldown for a flapping metric', async () => {
    const a = await node('notify-group-a');
    const b = await node('notify-group-b');
    const channelId = await channel('grouped', `${receiver.url}/hooks/grouped`);
    // Fleet-wide rule with a cooldown: flapping must not storm.
    const res = await pharos.request('/api/v1/alerts/rules', { token, body: { name: 'Load high', metric: 'cpu_percent', op: 'gt', threshold: 80, group: 'grouping', channelIds: [channelId], cooldownSeconds: 3600, notifyResolved: false } });
    expect(res.status).toBe(201);
    for (const n of [a, b]) expect((await pharos.request(`/api/v1/servers/${n.id}`, { method: 'PATCH', token, body: { group: 'grouping' } })).status).toBe(200);
    await Promise.all([cpu(a.emulator, 0.9), cpu(b.emulator, 0.91)]);
    await eventually(() => expect(receiver.to('/hooks/grouped')).toHaveLength(1), 10_000);
    const message = JSON.parse(receiver.to('/hooks/grouped')[0]!.body);
    expect(message.title).toBe('2 alerts: 2 firing');
    expect(message.alerts.map((x: { serverName: string }) => x.serverName).sort()).toEqual(['notify-group-a', 'notify-group-b']);

    // Flapping: resolves and fires again three times within the cooldown.
    for (let i = 0; i < 3; i++) {
      await cpu(a.emulator, 0.1);
      await cpu(a.emulator, 0.95);
    }
    const prisma = pharos.app.get(PrismaService);
    await eventually(async () => expect(await prisma.alertIncident.count({ where: { serverId: a.id } })).toBe(4));
    await new Promise((r) => setTimeout(r, 600));
    expect(receiver.to('/hooks/grouped')).toHaveLength(1);
  });

  it('tells nobody while a silence covers the server, and records the incident', async () => {
    const { id, emulator } = await node('notify-silenced');
    const channelId = await channel('silenced', `${receiver.url}/hooks/silenced`);
    await cpuRule(id, [channelId]);
    const bad = await pharos.request('/api/v1/alerts/silences', { token, body: { serverId: id, until: '2001-01-01T00:00:00Z' } });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('until');
    const silence = await pharos.request('/api/v1/alerts/silences', { token, body: { serverId: id, until: new Date(Date.now() + 3_600_000).toISOString(), reason: 'maintenance' } });
    expect(silence.status).toBe(201);
    await cpu(emulator, 0.99);
    await eventually(async () => expect((await pharos.request(`/api/v1/alerts/incidents?serverId=${id}&state=firing`, { token })).body.total).toBe(1));
    await cpu(emulator, 0.1);
    await eventually(async () => expect((await pharos.request(`/api/v1/alerts/incidents?serverId=${id}&state=resolved`, { token })).body.total).toBe(1));
    await new Promise((r) => setTimeout(r, 500));
    expect(receiver.to('/hooks/silenced')).toHaveLength(0);
    expect(await pharos.app.get(PrismaService).alertNotification.count({ where: { channelId } })).toBe(0);
  });

  it('reminds while an incident stays firing, every repeat interval, each reminder its own key', async () => {
    const { id, emulator } = await node('notify-repeat');
    const channelId = await channel('repeat', `${receiver.url}/hooks/repeat`);
    await cpuRule(id, [channelId], { repeatSeconds: 1, notifyResolved: false });
    await cpu(emulator, 0.99);
    await eventually(() => expect(receiver.to('/hooks/repeat').length).toBeGreaterThanOrEqual(3), 15_000);
    const events = receiver.to('/hooks/repeat').map((r) => JSON.parse(r.body).alerts[0].event);
    expect(events.slice(0, 3)).toEqual(['firing', 'reminder', 'reminder']);
    expect(new Set(receiver.to('/hooks/repeat').map((r) => r.headers['idempotency-key'])).size).toBe(receiver.to('/hooks/repeat').length);
    await cpu(emulator, 0.1);
  });

  it('previews a rule: the current values of each server, breaching first; an unknown metric is a 400', async () => {
    const { id, emulator } = await node('notify-preview');
    await cpu(emulator, 0.77);
    await eventually(async () => {
      const preview = await pharos.request('/api/v1/alerts/rules/preview', { token, body: { metric: 'cpu_percent', op: 'gt', threshold: 75, serverId: id } });
      expect(preview.status).toBe(200);
      expect(preview.body.items).toEqual([{ serverId: id, serverName: 'notify-preview', value: 77, breaching: true }]);
    });
    const bad = await pharos.request('/api/v1/alerts/rules/preview', { token, body: { metric: 'nope', op: 'gt', threshold: 1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('metric');
  });

  it('loses no notification and sends none twice across a restart in the middle of retries', async () => {
    const { id, emulator } = await node('notify-restart');
    receiver.script('/hooks/restart', [500, 500, 500, 500, 500, 500]);
    const channelId = await channel('restart', `${receiver.url}/hooks/restart`);
    await cpuRule(id, [channelId], { notifyResolved: false });
    await cpu(emulator, 0.96);
    await eventually(() => expect(receiver.to('/hooks/restart').length).toBeGreaterThanOrEqual(2), 10_000);
    await pharos.close();
    const failedBefore = receiver.to('/hooks/restart').length;
    // Back up: the rest of the script still fails, then the receiver takes it.
    pharos = await startPharos({ env, database: db, dataDir });
    token = await pharos.login();
    await eventually(() => expect(receiver.to('/hooks/restart').at(-1)?.status).toBe(200), 20_000);
    await new Promise((r) => setTimeout(r, 800));
    const requests = receiver.to('/hooks/restart');
    expect(requests.filter((r) => r.status === 200)).toHaveLength(1);
    expect(requests.length).toBe(7);
    expect(failedBefore).toBeLessThan(7);
    expect(new Set(requests.map((r) => r.headers['idempotency-key'])).size).toBe(1);
    const row = await pharos.app.get(PrismaService).alertNotification.findFirstOrThrow({ where: { channelId } });
    expect(row.state).toBe('sent');
  });
});
