import type { AlertData, List, Page, ServerView } from '@pharos/protocol';
import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import { useDebounced, useNow } from '../../app/hooks';
import { Link } from '../../app/router';
import { useAction, useApi } from '../../app/useApi';
import { ActionForm } from '../../components/ActionForm';
import { type Column, DataTable } from '../../components/DataTable';
import { PageHeader } from '../../components/PageHeader';
import { StatusBadge } from '../../components/Status';
import { Empty, InlineError, Loaded } from '../../components/States';
import { dateTime } from '../../format/time';
import { useT } from '../../i18n/i18n';

/** The server's shapes of /api/v1/alerts/… (fleet/alerts, outbound/notifications). */
interface RuleView {
  id: string;
  kind: string;
  builtIn: boolean;
  name: string;
  metric: string;
  op: 'gt' | 'gte' | 'lt' | 'lte';
  threshold: number;
  forSeconds: number;
  serverId: string | null;
  group: string | null;
  tag: string | null;
  severity: 'warning' | 'critical';
  enabled: boolean;
  cooldownSeconds: number;
  channelIds: string[];
}

interface ChannelView {
  id: string;
  name: string;
  kind: string;
  url: string;
  isDefault: boolean;
  enabled: boolean;
  lastDelivery: { at: string; ok: boolean; error: string | null } | null;
  pending: number;
}

interface SilenceView {
  id: string;
  serverId: string | null;
  group: string | null;
  ruleId: string | null;
  until: string;
  reason: string;
  active: boolean;
}

interface PreviewRow {
  serverId: string;
  serverName: string;
  subject?: string;
  value: number;
  breaching: boolean;
}

const PREVIEW_REFRESH_MS = 5000;
const OPS = { gt: '>', gte: '≥', lt: '<', lte: '≤' } as const;
const SERIES = ['cpu_percent', 'memory_percent', 'swap_percent', 'disk_percent', 'load1', 'load5', 'load15', 'net_rx_bytes_per_sec', 'net_tx_bytes_per_sec', 'max_temp_c'];

/** Alerts: what fires and fired, the rules, where notifications go, and who is silenced. */
export function AlertsPage({ isAdmin }: { isAdmin: boolean }) {
  const t = useT();
  const servers = useApi<Page<ServerView>>('/api/v1/servers?limit=500');
  const rules = useApi<List<RuleView>>('/api/v1/alerts/rules');
  const channels = useApi<List<ChannelView>>('/api/v1/alerts/channels', { refreshMs: 10_000 });
  const names = Object.fromEntries((servers.data?.items ?? []).map((s) => [s.id, s.name]));
  return (
    <section className="page">
      <PageHeader title={t.navAlerts} />
      <Incidents names={names} servers={servers.data?.items ?? []} />
      <section className="card card-pad stack" aria-labelledby="rules-heading">
        <h2 id="rules-heading">{t.alertRules}</h2>
        <Loaded resource={rules}>{({ items }) => <RuleTable rules={items} channels={channels.data?.items ?? []} names={names} isAdmin={isAdmin} onChanged={rules.reload} />}</Loaded>
        {isAdmin && <NewRuleForm servers={servers.data?.items ?? []} channels={channels.data?.items ?? []} onCreated={rules.reload} />}
      </section>
      <section className="card card-pad stack" aria-labelledby="channels-heading">
        <h2 id="channels-heading">{t.alertChannels}</h2>
        <Loaded resource={channels}>{({ items }) => <ChannelTable channels={items} isAdmin={isAdmin} onChanged={channels.reload} />}</Loaded>
        {isAdmin && <NewChannelForm onCreated={channels.reload} />}
      </section>
      <Silences names={names} rules={rules.data?.items ?? []} servers={servers.data?.items ?? []} isAdmin={isAdmin} />
    </section>
  );
}

function Incidents({ names, servers }: { names: Record<string, string>; servers: ServerView[] }) {
  const t = useT();
  const [state, setState] = useState('');
  const [severity, setSeverity] = useState('');
  const [serverId, setServerId] = useState('');
  const query = new URLSearchParams({ limit: '100', ...(state ? { state } : {}), ...(severity ? { severity } : {}), ...(serverId ? { serverId } : {}) });
  const incidents = useApi<Page<AlertData>>(`/api/v1/alerts/incidents?${query}`, { refreshMs: 5000 });
  const columns: Column<AlertData>[] = [
    { header: t.alertState, cell: (a) => <StatusBadge status={a.state === 'firing' ? 'failed' : 'completed'} label={a.state === 'firing' ? t.alertFiring : t.alertResolved} /> },
    { header: t.alertSeverity, cell: (a) => (a.severity === 'critical' ? t.severityCritical : t.severityWarning) },
    { header: t.server, kind: 'title', cell: (a) => <Link href={`/servers/${a.server_id}`}>{names[a.server_id] ?? a.server_id.slice(0, 8)}</Link> },
    { header: t.alertMessage, className: 'wrap', cell: (a) => a.message },
    { header: t.alertWhen, className: 'muted small', cell: (a) => dateTime(a.timestamp) },
  ];
  return (
    <section className="card card-pad stack" aria-labelledby="incidents-heading">
      <h2 id="incidents-heading">{t.alertIncidents}</h2>
      <div className="form-row">
        <label>
          {t.alertState}
          <select value={state} onChange={(e) => setState(e.target.value)}>
            <option value="">{t.allOf}</option>
            <option value="firing">{t.alertFiring}</option>
            <option value="resolved">{t.alertResolved}</option>
          </select>
        </label>
        <label>
          {t.alertSeverity}
          <select value={severity} onChange={(e) => setSeverity(e.target.value)}>
            <option value="">{t.allOf}</option>
            <option value="critical">{t.severityCritical}</option>
            <option value="warning">{t.severityWarning}</option>
          </select>
        </label>
        <label>
          {t.server}
          <select value={serverId} onChange={(e) => setServerId(e.target.value)}>
            <option value="">{t.allOf}</option>
            {servers.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <Loaded resource={incidents}>
        {({ items }) => <DataTable label={t.alertIncidents} columns={columns} rows={items} empty={<Empty title={t.noIncidents} />} rowAttributes={(a) => ({ 'data-incident': a.rule, 'data-state': a.state })} />}
      </Loaded>
    </section>
  );
}

function scopeOf(t: ReturnType<typeof useT>, rule: Pick<RuleView, 'serverId' | 'group' | 'tag'>, names: Record<string, string>): string {
  if (rule.serverId) return names[rule.serverId] ?? rule.serverId.slice(0, 8);
  if (rule.group) return t.scopeGroup(rule.group);
  if (rule.tag) return t.scopeTag(rule.tag);
  return t.scopeFleet;
}

function RuleTable({ rules, channels, names, isAdmin, onChanged }: { rules: RuleView[]; channels: ChannelView[]; names: Record<string, string>; isAdmin: boolean; onChanged: () => void }) {
  const t = useT();
  const toggle = useAction(async (rule: RuleView) => {
    await api.patch(`/api/v1/alerts/rules/${rule.id}`, { enabled: !rule.enabled });
    onChanged();
  });
  const remove = useAction(async (rule: RuleView) => {
    await api.delete(`/api/v1/alerts/rules/${rule.id}`);
    onChanged();
  });
  const channelNames = Object.fromEntries(channels.map((c) => [c.id, c.name]));
  const columns: Column<RuleView>[] = [
    { header: t.name, kind: 'title', cell: (r) => <strong>{r.name}</strong> },
    { header: t.alertCondition, cell: (r) => (r.kind === 'threshold' || r.kind === 'disk_full' ? `${r.metric} ${OPS[r.op]} ${r.threshold}${r.forSeconds ? ` · ${t.forSeconds(r.forSeconds)}` : ''}` : t.builtInCondition) },
    { header: t.alertScope, cell: (r) => scopeOf(t, r, names) },
    { header: t.alertSeverity, cell: (r) => (r.severity === 'critical' ? t.severityCritical : t.severityWarning) },
    { header: t.alertChannels, className: 'small', cell: (r) => (r.channelIds.length ? r.channelIds.map((id) => channelNames[id] ?? '?').join(', ') : t.defaultChannels) },
    { header: t.state, cell: (r) => <StatusBadge status={r.enabled ? 'online' : 'offline'} label={r.enabled ? t.ruleEnabled : t.disabled} /> },
    {
      header: t.actions,
      kind: 'actions',
      cell: (r) =>
        isAdmin && (
          <>
            <button type="button" className="small" onClick={() => void toggle.run(r)} disabled={toggle.busy} aria-label={`${r.enabled ? t.disable : t.enable} ${r.name}`}>
              {r.enabled ? t.disable : t.enable}
            </button>
            {!r.builtIn && (
              <button type="button" className="small danger" onClick={() => void remove.run(r)} disabled={remove.busy} aria-label={`${t.deleteWord} ${r.name}`}>
                {t.deleteWord}
              </button>
            )}
          </>
        ),
    },
  ];
  return (
    <>
      <InlineError error={toggle.error ?? remove.error} />
      <DataTable label={t.alertRules} columns={columns} rows={rules} empty={<Empty title={t.noRules} />} rowAttributes={(r) => ({ 'data-rule': r.name })} />
    </>
  );
}

function NewRuleForm({ servers, channels, onCreated }: { servers: ServerView[]; channels: ChannelView[]; onCreated: () => void }) {
  const t = useT();
  const [name, setName] = useState('');
  const [metric, setMetric] = useState('cpu_percent');
  const [op, setOp] = useState<RuleView['op']>('gt');
  const [threshold, setThreshold] = useState('90');
  const [forSeconds, setForSeconds] = useState('0');
  const [serverId, setServerId] = useState('');
  const [severity, setSeverity] = useState<RuleView['severity']>('warning');
  const [channelId, setChannelId] = useState('');
  const create = useAction(async () => {
    await api.post('/api/v1/alerts/rules', {
      name,
      metric,
      op,
      threshold: Number(threshold),
      forSeconds: Number(forSeconds),
      severity,
      ...(serverId ? { serverId } : {}),
      ...(channelId ? { channelIds: [channelId] } : {}),
    });
    setName('');
    onCreated();
  });
  return (
    <>
      <ActionForm label={t.newRule} submit={t.createRule} busy={create.busy} error={create.error} onSubmit={() => void create.run()}>
        <label>
          {t.name}
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={128} />
        </label>
        <label>
          {t.metric}
          <input value={metric} onChange={(e) => setMetric(e.target.value)} required list="alert-series" />
          <datalist id="alert-series">
            {SERIES.map((s) => (
              <option key={s} value={s} />
            ))}
          </datalist>
        </label>
        <label>
          {t.operator}
          <select value={op} onChange={(e) => setOp(e.target.value as RuleView['op'])}>
            {Object.entries(OPS).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t.threshold}
          <input value={threshold} onChange={(e) => setThreshold(e.target.value)} required inputMode="decimal" />
        </label>
        <label>
          {t.holdSeconds}
          <input value={forSeconds} onChange={(e) => setForSeconds(e.target.value)} inputMode="numeric" />
        </label>
        <label>
          {t.server}
          <select value={serverId} onChange={(e) => setServerId(e.target.value)}>
            <option value="">{t.scopeFleet}</option>
            {servers.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t.alertSeverity}
          <select value={severity} onChange={(e) => setSeverity(e.target.value as RuleView['severity'])}>
            <option value="warning">{t.severityWarning}</option>
            <option value="critical">{t.severityCritical}</option>
          </select>
        </label>
        <label>
          {t.channel}
          <select value={channelId} onChange={(e) => setChannelId(e.target.value)}>
            <option value="">{t.defaultChannels}</option>
            {channels.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
      </ActionForm>
      <RulePreview metric={metric} op={op} threshold={threshold} serverId={serverId} />
    </>
  );
}

/** What the rule being written would say now, per server (refreshed as it is typed). */
function RulePreview({ metric, op, threshold, serverId }: { metric: string; op: RuleView['op']; threshold: string; serverId: string }) {
  const t = useT();
  const asked = useDebounced(JSON.stringify({ metric, op, threshold: Number(threshold), ...(serverId ? { serverId } : {}) }), 300);
  // Live: asked again every few seconds, as the servers report.
  const tick = Math.floor(useNow(PREVIEW_REFRESH_MS) / PREVIEW_REFRESH_MS);
  const [rows, setRows] = useState<PreviewRow[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let live = true;
    const body = JSON.parse(asked) as { threshold: number };
    if (!Number.isFinite(body.threshold)) return;
    api.post<List<PreviewRow>>('/api/v1/alerts/rules/preview', body).then(
      (answer) => live && (setRows(answer.items), setError(null)),
      (e: unknown) => live && (setRows(null), setError(e)),
    );
    return () => {
      live = false;
    };
  }, [asked, tick]);
  const firing = rows?.filter((r) => r.breaching).length ?? 0;
  return (
    <div className="stack" aria-live="polite" aria-label={t.rulePreview}>
      <h3>{t.rulePreview}</h3>
      <InlineError error={error} />
      {rows && <p className="muted small">{t.wouldFire(firing, rows.length)}</p>}
      {rows && rows.length > 0 && (
        <ul className="plain-list">
          {rows.slice(0, 8).map((r) => (
            <li key={`${r.serverId}${r.subject ?? ''}`}>
              <StatusBadge status={r.breaching ? 'failed' : 'completed'} label={r.breaching ? t.alertWouldFire : t.alertFine} /> {r.serverName}
              {r.subject ? ` ${r.subject}` : ''}: {Math.round(r.value * 100) / 100}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function ChannelTable({ channels, isAdmin, onChanged }: { channels: ChannelView[]; isAdmin: boolean; onChanged: () => void }) {
  const t = useT();
  const [tested, setTested] = useState<Record<string, { ok: boolean; error?: string }>>({});
  const test = useAction(async (c: ChannelView) => {
    const result = await api.post<{ ok: boolean; error?: string }>(`/api/v1/alerts/channels/${c.id}/test`);
    setTested((now) => ({ ...now, [c.id]: result }));
    onChanged();
  });
  const remove = useAction(async (c: ChannelView) => {
    await api.delete(`/api/v1/alerts/channels/${c.id}`);
    onChanged();
  });
  const columns: Column<ChannelView>[] = [
    { header: t.name, kind: 'title', cell: (c) => <strong>{c.name}</strong> },
    { header: t.channelKind, cell: (c) => c.kind },
    { header: t.channelUrl, className: 'small wrap', cell: (c) => <code>{c.url}</code> },
    { header: t.defaultChannel, cell: (c) => (c.isDefault ? t.yesWord : t.noWord) },
    {
      header: t.lastDelivery,
      className: 'small',
      cell: (c) => {
        const last = tested[c.id] ?? c.lastDelivery;
        if (!last) return <span className="muted">{t.never}</span>;
        return <StatusBadge status={last.ok ? 'completed' : 'failed'} label={last.ok ? t.delivered : `${t.notDelivered}: ${last.error ?? ''}`} />;
      },
    },
    { header: t.pendingNotifications, cell: (c) => c.pending },
    {
      header: t.actions,
      kind: 'actions',
      cell: (c) =>
        isAdmin && (
          <>
            <button type="button" className="small" onClick={() => void test.run(c)} disabled={test.busy} aria-label={`${t.sendTest} ${c.name}`}>
              {t.sendTest}
            </button>
            <button type="button" className="small danger" onClick={() => void remove.run(c)} disabled={remove.busy} aria-label={`${t.deleteWord} ${c.name}`}>
              {t.deleteWord}
            </button>
          </>
        ),
    },
  ];
  return (
    <>
      <InlineError error={test.error ?? remove.error} />
      <DataTable label={t.alertChannels} columns={columns} rows={channels} empty={<Empty title={t.noChannels} />} rowAttributes={(c) => ({ 'data-channel': c.name })} />
    </>
  );
}

function NewChannelForm({ onCreated }: { onCreated: () => void }) {
  const t = useT();
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [secret, setSecret] = useState('');
  const create = useAction(async () => {
    await api.post('/api/v1/alerts/channels', { name, url, ...(secret ? { secret } : {}) });
    setName('');
    setUrl('');
    setSecret('');
    onCreated();
  });
  return (
    <>
      <ActionForm label={t.newChannel} submit={t.addChannel} busy={create.busy} error={create.error} onSubmit={() => void create.run()}>
        <label>
          {t.name}
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={128} />
        </label>
        <label className="grow">
          {t.channelUrl}
          <input value={url} onChange={(e) => setUrl(e.target.value)} required placeholder="https://…  slack://…  telegram://…  smtp://…" autoComplete="off" />
        </label>
        <label>
          {t.signingSecret}
          <input value={secret} onChange={(e) => setSecret(e.target.value)} type="password" autoComplete="new-password" minLength={16} />
        </label>
      </ActionForm>
      <p className="hint">{t.channelUrlHint}</p>
    </>
  );
}

function Silences({ names, rules, servers, isAdmin }: { names: Record<string, string>; rules: RuleView[]; servers: ServerView[]; isAdmin: boolean }) {
  const t = useT();
  const silences = useApi<List<SilenceView>>('/api/v1/alerts/silences');
  const [serverId, setServerId] = useState('');
  const [ruleId, setRuleId] = useState('');
  const [hours, setHours] = useState('2');
  const [reason, setReason] = useState('');
  const create = useAction(async () => {
    await api.post('/api/v1/alerts/silences', { ...(serverId ? { serverId } : {}), ...(ruleId ? { ruleId } : {}), until: new Date(Date.now() + Number(hours) * 3_600_000).toISOString(), reason });
    setReason('');
    silences.reload();
  });
  const remove = useAction(async (s: SilenceView) => {
    await api.delete(`/api/v1/alerts/silences/${s.id}`);
    silences.reload();
  });
  const ruleNames = Object.fromEntries(rules.map((r) => [r.id, r.name]));
  const columns: Column<SilenceView>[] = [
    { header: t.silenceCovers, kind: 'title', cell: (s) => [s.serverId && (names[s.serverId] ?? s.serverId.slice(0, 8)), s.group && t.scopeGroup(s.group), s.ruleId && (ruleNames[s.ruleId] ?? '?')].filter(Boolean).join(' · ') },
    { header: t.silenceUntil, cell: (s) => dateTime(s.until) },
    { header: t.state, cell: (s) => <StatusBadge status={s.active ? 'online' : 'offline'} label={s.active ? t.active : t.ended} /> },
    { header: t.reasonWord, className: 'wrap', cell: (s) => s.reason },
    { header: t.actions, kind: 'actions', cell: (s) => isAdmin && <button type="button" className="small danger" onClick={() => void remove.run(s)} aria-label={`${t.deleteWord} ${s.id}`}>{t.deleteWord}</button> },
  ];
  return (
    <section className="card card-pad stack" aria-labelledby="silences-heading">
      <h2 id="silences-heading">{t.alertSilences}</h2>
      <InlineError error={remove.error} />
      <Loaded resource={silences}>{({ items }) => <DataTable label={t.alertSilences} columns={columns} rows={items} empty={<Empty title={t.noSilences} />} />}</Loaded>
      {isAdmin && (
        <ActionForm label={t.newSilence} submit={t.addSilence} busy={create.busy} error={create.error} onSubmit={() => void create.run()}>
          <label>
            {t.server}
            <select value={serverId} onChange={(e) => setServerId(e.target.value)}>
              <option value="">—</option>
              {servers.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t.alertRule}
            <select value={ruleId} onChange={(e) => setRuleId(e.target.value)}>
              <option value="">—</option>
              {rules.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t.silenceHours}
            <input value={hours} onChange={(e) => setHours(e.target.value)} inputMode="decimal" required />
          </label>
          <label>
            {t.reasonWord}
            <input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} />
          </label>
        </ActionForm>
      )}
    </section>
  );
}
