import type { AlertData, AlertRuleView, ChannelView, List, Page, ServerView, SilenceView } from '@pharos/protocol';
import { useState } from 'react';
import { api } from '../../api/client';
import { Link } from '../../app/router';
import { useAction, useApi } from '../../app/useApi';
import { ActionForm } from '../../components/ActionForm';
import { type Column, DataTable } from '../../components/DataTable';
import { PageHeader } from '../../components/PageHeader';
import { StatusBadge } from '../../components/Status';
import { Empty, InlineError, Loaded } from '../../components/States';
import { dateTime } from '../../format/time';
import { useT } from '../../i18n/i18n';
import { ChannelTable, NewChannelForm } from './ChannelsSection';
import { NewRuleForm, RuleTable } from './RulesSection';

/** Alerts: what fires and fired, the rules, where notifications go, and who is silenced. */
export function AlertsPage({ isAdmin }: { isAdmin: boolean }) {
  const t = useT();
  const servers = useApi<Page<ServerView>>('/api/v1/servers?limit=500');
  const rules = useApi<List<AlertRuleView>>('/api/v1/alerts/rules');
  const channels = useApi<List<ChannelView>>('/api/v1/alerts/channels', { refreshMs: 10_000 });
  const names = Object.fromEntries((servers.data?.items ?? []).map((s) => [s.id, s.name]));
  return (
    <section className="page">
      <PageHeader title={t.navAlerts} />
      <Incidents names={names} servers={servers.data?.items ?? []} />
      <section className="card card-pad stack" aria-labelledby="rules-heading">
        <h2 id="rules-heading">{t.alertRules}</h2>
        <Loaded resource={rules}>{({ items }) => <RuleTable rules={items} servers={servers.data?.items ?? []} channels={channels.data?.items ?? []} names={names} isAdmin={isAdmin} onChanged={rules.reload} />}</Loaded>
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

function Silences({ names, rules, servers, isAdmin }: { names: Record<string, string>; rules: AlertRuleView[]; servers: ServerView[]; isAdmin: boolean }) {
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
