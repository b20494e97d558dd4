import type { AlertKind, AlertRulePreviewRow, AlertRuleView, ChannelView, List, ServerView } from '@pharos/protocol';
import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import { useDebounced, useNow } from '../../app/hooks';
import { useAction } from '../../app/useApi';
import { ActionForm } from '../../components/ActionForm';
import { type Column, DataTable } from '../../components/DataTable';
import { Dialog, DialogForm } from '../../components/Dialog';
import { StatusBadge } from '../../components/Status';
import { Empty, InlineError } from '../../components/States';
import { useT } from '../../i18n/i18n';
import { OPS, SAMPLED_KINDS, SERIES } from './types';

const PREVIEW_REFRESH_MS = 5000;

type T = ReturnType<typeof useT>;

function scopeOf(t: T, rule: Pick<AlertRuleView, 'serverId' | 'group' | 'tag'>, names: Record<string, string>): string {
  if (rule.serverId) return names[rule.serverId] ?? rule.serverId.slice(0, 8);
  if (rule.group) return t.scopeGroup(rule.group);
  if (rule.tag) return t.scopeTag(rule.tag);
  return t.scopeFleet;
}

/** The rules: each row can be switched on or off, edited (built-in ones too) or deleted (not built-in). */
export function RuleTable({ rules, servers, channels, names, isAdmin, onChanged }: { rules: AlertRuleView[]; servers: ServerView[]; channels: ChannelView[]; names: Record<string, string>; isAdmin: boolean; onChanged: () => void }) {
  const t = useT();
  const [editing, setEditing] = useState<AlertRuleView | null>(null);
  const toggle = useAction(async (rule: AlertRuleView) => {
    await api.patch(`/api/v1/alerts/rules/${rule.id}`, { enabled: !rule.enabled });
    onChanged();
  });
  const remove = useAction(async (rule: AlertRuleView) => {
    await api.delete(`/api/v1/alerts/rules/${rule.id}`);
    onChanged();
  });
  const channelNames = Object.fromEntries(channels.map((c) => [c.id, c.name]));
  const columns: Column<AlertRuleView>[] = [
    { header: t.name, kind: 'title', cell: (r) => <strong>{r.name}</strong> },
    { header: t.alertCondition, cell: (r) => (SAMPLED_KINDS.includes(r.kind) ? `${r.metric} ${OPS[r.op]} ${r.threshold}${r.forSeconds ? ` · ${t.forSeconds(r.forSeconds)}` : ''}` : t.builtInCondition) },
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
            <button type="button" className="small" onClick={() => setEditing(r)} aria-label={t.editRule(r.name)}>
              {t.edit}
            </button>
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
      {editing && <EditRuleDialog key={editing.id} rule={editing} servers={servers} channels={channels} onClose={() => setEditing(null)} onSaved={() => (setEditing(null), onChanged())} />}
    </>
  );
}

/** A rule being written, as its form holds it (numbers as typed). */
interface RuleDraft {
  name: string;
  metric: string;
  op: AlertRuleView['op'];
  threshold: string;
  forSeconds: string;
  /** '' the whole fleet, `server:<id>`, `group:<name>` or `tag:<name>`. */
  scope: string;
  severity: AlertRuleView['severity'];
  cooldownSeconds: string;
  repeatSeconds: string;
  notifyResolved: boolean;
  channelIds: string[];
  enabled: boolean;
}

const NEW_RULE: RuleDraft = { name: '', metric: 'cpu_percent', op: 'gt', threshold: '90', forSeconds: '0', scope: '', severity: 'warning', cooldownSeconds: '300', repeatSeconds: '0', notifyResolved: true, channelIds: [], enabled: true };

function draftOf(rule: AlertRuleView): RuleDraft {
  const scope = rule.serverId ? `server:${rule.serverId}` : rule.group ? `group:${rule.group}` : rule.tag ? `tag:${rule.tag}` : '';
  return { name: rule.name, metric: rule.metric, op: rule.op, threshold: String(rule.threshold), forSeconds: String(rule.forSeconds), scope, severity: rule.severity, cooldownSeconds: String(rule.cooldownSeconds), repeatSeconds: String(rule.repeatSeconds), notifyResolved: rule.notifyResolved, channelIds: rule.channelIds, enabled: rule.enabled };
}

function scopeFields(scope: string): { serverId: string | null; group: string | null; tag: string | null } {
  const [kind, ...rest] = scope.split(':');
  const value = rest.join(':');
  return { serverId: kind === 'server' ? value : null, group: kind === 'group' ? value : null, tag: kind === 'tag' ? value : null };
}

/** The request body of a draft: every field (a PATCH sets them all; `null` widens the scope again). */
function bodyOf(draft: RuleDraft, builtIn: boolean) {
  return {
    name: draft.name.trim(),
    ...(builtIn ? {} : { metric: draft.metric }),
    op: draft.op,
    threshold: Number(draft.threshold),
    forSeconds: Number(draft.forSeconds),
    severity: draft.severity,
    cooldownSeconds: Number(draft.cooldownSeconds),
    repeatSeconds: Number(draft.repeatSeconds),
    notifyResolved: draft.notifyResolved,
    channelIds: draft.channelIds,
    enabled: draft.enabled,
  };
}

export function NewRuleForm({ servers, channels, onCreated }: { servers: ServerView[]; channels: ChannelView[]; onCreated: () => void }) {
  const t = useT();
  const [draft, setDraft] = useState(NEW_RULE);
  const create = useAction(async () => {
    const scope = Object.fromEntries(Object.entries(scopeFields(draft.scope)).filter(([, v]) => v !== null));
    await api.post('/api/v1/alerts/rules', { ...bodyOf(draft, false), ...scope });
    setDraft((now) => ({ ...now, name: '' }));
    onCreated();
  });
  return (
    <>
      <ActionForm label={t.newRule} submit={t.createRule} busy={create.busy} error={create.error} onSubmit={() => void create.run()}>
        <RuleFields draft={draft} onChange={setDraft} kind="threshold" servers={servers} channels={channels} idPrefix="new-rule" />
      </ActionForm>
      <RulePreview draft={draft} kind="threshold" />
    </>
  );
}

/** The same form as a new rule's, filled with the rule; a built-in rule keeps its series. */
function EditRuleDialog({ rule, servers, channels, onClose, onSaved }: { rule: AlertRuleView; servers: ServerView[]; channels: ChannelView[]; onClose: () => void; onSaved: () => void }) {
  const t = useT();
  const [draft, setDraft] = useState(() => draftOf(rule));
  const save = useAction(async () => {
    await api.patch(`/api/v1/alerts/rules/${rule.id}`, { ...bodyOf(draft, rule.builtIn), ...scopeFields(draft.scope) });
    onSaved();
  });
  return (
    <Dialog title={t.editRule(rule.name)} open onClose={onClose} wide>
      <DialogForm onSubmit={() => void save.run()} onCancel={onClose} submit={t.saveRule} busy={save.busy}>
        <div className="form-row">
          <RuleFields draft={draft} onChange={setDraft} kind={rule.kind} servers={servers} channels={channels} idPrefix={`rule-${rule.id}`} withEnabled />
        </div>
        <InlineError error={save.error} />
      </DialogForm>
      {SAMPLED_KINDS.includes(rule.kind) && <RulePreview draft={draft} kind={rule.kind} />}
    </Dialog>
  );
}

/** A rule's fields, shared by the new-rule form and the edit dialog. */
function RuleFields({ draft, onChange, kind, servers, channels, idPrefix, withEnabled = false }: { draft: RuleDraft; onChange: (d: RuleDraft) => void; kind: AlertKind; servers: ServerView[]; channels: ChannelView[]; idPrefix: string; withEnabled?: boolean }) {
  const t = useT();
  const set = <K extends keyof RuleDraft>(key: K, value: RuleDraft[K]) => onChange({ ...draft, [key]: value });
  const sampled = SAMPLED_KINDS.includes(kind);
  const { group, tag } = scopeFields(draft.scope);
  return (
    <>
      <label>
        {t.name}
        <input value={draft.name} onChange={(e) => set('name', e.target.value)} required maxLength={128} />
      </label>
      {sampled && (
        <>
          <label>
            {t.metric}
            <input value={draft.metric} onChange={(e) => set('metric', e.target.value)} required list={`${idPrefix}-series`} readOnly={kind !== 'threshold'} />
            <datalist id={`${idPrefix}-series`}>
              {SERIES.map((s) => (
                <option key={s} value={s} />
              ))}
            </datalist>
          </label>
          <label>
            {t.operator}
            <select value={draft.op} onChange={(e) => set('op', e.target.value as AlertRuleView['op'])}>
              {Object.entries(OPS).map(([k, v]) => (
                <option key={k} value={k}>
                  {v}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t.threshold}
            <input value={draft.threshold} onChange={(e) => set('threshold', e.target.value)} required inputMode="decimal" />
          </label>
        </>
      )}
      <label>
        {t.holdSeconds}
        <input value={draft.forSeconds} onChange={(e) => set('forSeconds', e.target.value)} inputMode="numeric" />
      </label>
      <label>
        {t.alertScope}
        <select value={draft.scope} onChange={(e) => set('scope', e.target.value)}>
          <option value="">{t.scopeFleet}</option>
          {group && <option value={draft.scope}>{t.scopeGroup(group)}</option>}
          {tag && <option value={draft.scope}>{t.scopeTag(tag)}</option>}
          {servers.map((s) => (
            <option key={s.id} value={`server:${s.id}`}>
              {s.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t.alertSeverity}
        <select value={draft.severity} onChange={(e) => set('severity', e.target.value as AlertRuleView['severity'])}>
          <option value="warning">{t.severityWarning}</option>
          <option value="critical">{t.severityCritical}</option>
        </select>
      </label>
      <label>
        {t.cooldownSeconds}
        <input value={draft.cooldownSeconds} onChange={(e) => set('cooldownSeconds', e.target.value)} inputMode="numeric" />
      </label>
      <label>
        {t.repeatSeconds}
        <input value={draft.repeatSeconds} onChange={(e) => set('repeatSeconds', e.target.value)} inputMode="numeric" />
      </label>
      <label className="checkbox-row">
        <input type="checkbox" checked={draft.notifyResolved} onChange={(e) => set('notifyResolved', e.target.checked)} />
        <span>{t.notifyResolved}</span>
      </label>
      {withEnabled && (
        <label className="checkbox-row">
          <input type="checkbox" checked={draft.enabled} onChange={(e) => set('enabled', e.target.checked)} />
          <span>{t.ruleEnabledField}</span>
        </label>
      )}
      <fieldset className="plain-fieldset">
        <legend>{t.ruleChannels}</legend>
        {channels.length === 0 && <span className="muted small">{t.defaultChannels}</span>}
        {channels.map((c) => (
          <label key={c.id} className="checkbox-row">
            <input type="checkbox" checked={draft.channelIds.includes(c.id)} onChange={(e) => set('channelIds', e.target.checked ? [...draft.channelIds, c.id] : draft.channelIds.filter((id) => id !== c.id))} />
            <span>{c.name}</span>
          </label>
        ))}
      </fieldset>
    </>
  );
}

/** What the rule being written would say now, per server (refreshed as it is typed). */
function RulePreview({ draft, kind }: { draft: RuleDraft; kind: AlertKind }) {
  const t = useT();
  const scope = Object.fromEntries(Object.entries(scopeFields(draft.scope)).filter(([, v]) => v !== null));
  const asked = useDebounced(JSON.stringify({ kind, metric: draft.metric, op: draft.op, threshold: Number(draft.threshold), ...scope }), 300);
  // Live: asked again every few seconds, as the servers report.
  const tick = Math.floor(useNow(PREVIEW_REFRESH_MS) / PREVIEW_REFRESH_MS);
  const [rows, setRows] = useState<AlertRulePreviewRow[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let live = true;
    const body = JSON.parse(asked) as { threshold: number };
    if (!Number.isFinite(body.threshold)) return;
    api.post<List<AlertRulePreviewRow>>('/api/v1/alerts/rules/preview', body).then(
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
