import type { ApiTokenScope, ApiTokenView, CreatedApiToken, List, NewApiToken } from '@pharos/protocol';
import { type FormEvent, useState } from 'react';
import { api, type SessionUser } from '../../api/client';
import { useAction, useApi } from '../../app/useApi';
import { CopyField, SecretOnce } from '../../components/CopyField';
import { type Column, DataTable } from '../../components/DataTable';
import { ConfirmDialog } from '../../components/Dialog';
import { PageHeader } from '../../components/PageHeader';
import { StatusBadge } from '../../components/Status';
import { Empty, InlineError, Loaded } from '../../components/States';
import { ago, dateTime } from '../../format/time';
import type { Dictionary } from '../../i18n/en';
import { useT } from '../../i18n/i18n';

const EXPIRY_CHOICES = [7, 30, 90, 180, 365];

/** Every scope (the type makes sure none is missing), in the order the form offers them. */
const SCOPE_LABELS: Record<ApiTokenScope, (t: Dictionary) => string> = {
  'fleet:read': (t) => t.scopeFleetRead,
  'commands:run': (t) => t.scopeCommandsRun,
  'releases:manage': (t) => t.scopeReleasesManage,
  admin: (t) => t.scopeAdmin,
};
// The dashboard imports only types from @pharos/protocol (its values bring the validators along).
const SCOPES = Object.keys(SCOPE_LABELS) as ApiTokenScope[];

/** The signed-in user's personal API tokens: created (shown once), listed with last use, revoked. */
export function ApiTokensPage({ user }: { user: SessionUser }) {
  const t = useT();
  const tokens = useApi<List<ApiTokenView>>('/api/v1/api-tokens');
  const [created, setCreated] = useState<CreatedApiToken | null>(null);
  const [revoking, setRevoking] = useState<ApiTokenView | null>(null);
  const [notice, setNotice] = useState<string>();
  const columns: Column<ApiTokenView>[] = [
    { header: t.name, kind: 'title', cell: (token) => <strong>{token.name}</strong> },
    { header: t.tokenPrefixHeader, className: 'small', cell: (token) => <code>{token.prefix}…</code> },
    { header: t.tokenScopes, className: 'small wrap', cell: (token) => token.scopes.join(', ') },
    { header: t.state, cell: (token) => <TokenState token={token} /> },
    { header: t.created, className: 'muted small', cell: (token) => dateTime(token.createdAt) },
    { header: t.expires, className: 'muted small', cell: (token) => dateTime(token.expiresAt) },
    {
      header: t.lastUsed,
      className: 'muted small',
      tooltip: (token) => (token.lastUsedAt ? dateTime(token.lastUsedAt) : ''),
      cell: (token) => (token.lastUsedAt ? `${ago(token.lastUsedAt)} · ${token.lastUsedIp ?? ''}` : t.never),
    },
    {
      header: t.actions,
      kind: 'actions',
      cell: (token) =>
        isLive(token) && (
          <button type="button" className="small danger" onClick={() => setRevoking(token)} aria-label={t.revokeTokenOf(token.name)}>
            {t.revoke}
          </button>
        ),
    },
  ];
  return (
    <section className="page">
      <PageHeader title={t.navApiTokens} />
      <p className="muted">{t.apiTokensIntro}</p>
      {notice && (
        <p className="notice-bar" role="status">
          {notice}
        </p>
      )}
      {created && (
        <SecretOnce title={t.newTokenOf(created.apiToken.name)} onDone={() => setCreated(null)}>
          <CopyField label={t.tokenLabel} value={created.token} />
        </SecretOnce>
      )}
      <section className="card card-pad stack" aria-label={t.newApiToken}>
        <h2>{t.newApiToken}</h2>
        <NewTokenForm
          isAdmin={user.role === 'admin'}
          onCreated={(result) => {
            setNotice(undefined);
            setCreated(result);
            tokens.reload();
          }}
        />
      </section>
      <Loaded resource={tokens}>
        {({ items }) => <DataTable label={t.navApiTokens} columns={columns} rows={items} empty={<Empty title={t.noApiTokens} />} rowAttributes={(token) => ({ 'data-token': token.name })} />}
      </Loaded>
      {revoking && (
        <RevokeDialog
          token={revoking}
          onClose={() => setRevoking(null)}
          onRevoked={() => {
            setNotice(t.tokenRevoked(revoking.name));
            setRevoking(null);
            tokens.reload();
          }}
        />
      )}
    </section>
  );
}

function isLive(token: ApiTokenView): boolean {
  return token.revokedAt === null && Date.parse(token.expiresAt) > Date.now();
}

function TokenState({ token }: { token: ApiTokenView }) {
  const t = useT();
  if (token.revokedAt) return <StatusBadge status="offline" label={t.revoked} />;
  if (Date.parse(token.expiresAt) <= Date.now()) return <StatusBadge status="offline" label={t.expired} />;
  return <StatusBadge status="online" label={t.active} />;
}

function NewTokenForm({ isAdmin, onCreated }: { isAdmin: boolean; onCreated: (created: CreatedApiToken) => void }) {
  const t = useT();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ApiTokenScope[]>(['fleet:read']);
  const [days, setDays] = useState(30);
  const create = useAction(async () => {
    const result = await api.post<CreatedApiToken>('/api/v1/api-tokens', { name, scopes, expiresInDays: days } satisfies NewApiToken);
    setName('');
    setScopes(['fleet:read']);
    onCreated(result);
  });
  const toggle = (scope: ApiTokenScope, on: boolean) => setScopes((now) => (on ? [...now, scope] : now.filter((s) => s !== scope)));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void create.run();
  };
  return (
    <form className="form" onSubmit={submit} aria-label={t.newApiToken}>
      <div className="form-row">
        <label>
          {t.name}
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={64} autoComplete="off" />
        </label>
        <label>
          {t.tokenExpiresIn}
          <select value={days} onChange={(e) => setDays(Number(e.target.value))}>
            {EXPIRY_CHOICES.map((choice) => (
              <option key={choice} value={choice}>
                {t.expiryDays(choice)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <fieldset className="choices">
        <legend>{t.tokenScopes}</legend>
        <div className="form-row">
          {SCOPES.map((scope) => {
            const allowed = isAdmin || scope === 'fleet:read';
            return (
              <label key={scope} className="choice" title={allowed ? undefined : t.scopeNeedsAdmin}>
                <input type="checkbox" checked={scopes.includes(scope)} disabled={!allowed} onChange={(e) => toggle(scope, e.target.checked)} />
                <span>
                  <code>{scope}</code> <span className="muted small">{SCOPE_LABELS[scope](t)}</span>
                </span>
              </label>
            );
          })}
        </div>
        {scopes.length === 0 && <span className="muted small">{t.pickAScope}</span>}
      </fieldset>
      <InlineError error={create.error} />
      <div className="actions">
        <button type="submit" className="primary" disabled={create.busy || scopes.length === 0}>
          {t.createToken}
        </button>
      </div>
    </form>
  );
}

function RevokeDialog({ token, onClose, onRevoked }: { token: ApiTokenView; onClose: () => void; onRevoked: () => void }) {
  const t = useT();
  const revoke = useAction(() => api.delete<ApiTokenView>(`/api/v1/api-tokens/${token.id}`));
  return (
    <ConfirmDialog
      title={t.revokeTokenQ(token.name)}
      open
      confirmLabel={t.revoke}
      danger
      busy={revoke.busy}
      error={revoke.error}
      onClose={onClose}
      onConfirm={async () => {
        if (await revoke.run()) onRevoked();
      }}
    >
      <p>{t.revokeApiTokenDetail}</p>
    </ConfirmDialog>
  );
}
