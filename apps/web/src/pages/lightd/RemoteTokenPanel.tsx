import type { DaemonView, IssuedRemoteToken } from '@pharos/protocol';
import { useState } from 'react';
import { api } from '../../api/client';
import { useAction } from '../../app/useApi';
import { CopyField, SecretOnce } from '../../components/CopyField';
import { ConfirmDialog } from '../../components/Dialog';
import { InlineError } from '../../components/States';
import { ago } from '../../format/time';
import { useT } from '../../i18n/i18n';

/**
 * The token a Lightd daemon reports to Pharos with: rotate it (the new one and the config
 * block the daemon needs are shown once) or revoke it. Both stop the old token at once, so
 * both ask first.
 */
export function RemoteTokenPanel({ daemon, isAdmin, now, onChanged }: { daemon: DaemonView; isAdmin: boolean; now: number; onChanged: () => void }) {
  const t = useT();
  const [issued, setIssued] = useState<IssuedRemoteToken | null>(null);
  const [asking, setAsking] = useState<'rotate' | 'revoke' | null>(null);
  const rotate = useAction(async () => {
    setIssued(await api.post<IssuedRemoteToken>(`/api/v1/lightd/daemons/${daemon.id}/remote-token`));
    setAsking(null);
    onChanged();
  });
  const revoke = useAction(async () => {
    await api.delete(`/api/v1/lightd/daemons/${daemon.id}/remote-token`);
    setIssued(null);
    setAsking(null);
    onChanged();
  });
  const token = daemon.remoteToken;
  const close = () => {
    setAsking(null);
    rotate.reset();
    revoke.reset();
  };

  return (
    <section className="card card-pad stack" aria-label={t.remoteToken}>
      <div className="row">
        <h2>{t.remoteToken}</h2>
        <span className="spacer" />
        {isAdmin && (
          <>
            <button type="button" onClick={() => (token ? setAsking('rotate') : void rotate.run())} disabled={rotate.busy}>
              {token ? t.rotateToken : t.issueToken}
            </button>
            {token && (
              <button type="button" className="danger" onClick={() => setAsking('revoke')} disabled={revoke.busy}>
                {t.revokeToken}
              </button>
            )}
          </>
        )}
      </div>
      <p className="muted small">
        {token ? (
          <>
            <code>{token.prefix}…</code> {t.tokenIssued(ago(token.issuedAt, now))}
          </>
        ) : (
          t.noRemoteToken
        )}
      </p>
      {issued && (
        <SecretOnce title={t.newRemoteTokenOf(daemon.name)} onDone={() => setIssued(null)}>
          <p className="small">{t.replaceRemoteSection}</p>
          <CopyField label={t.lightdRemoteConfig} value={JSON.stringify(issued.lightdConfig, null, 2)} multiline />
          <CopyField label={t.remoteToken} value={issued.remoteToken} />
        </SecretOnce>
      )}
      {!asking && <InlineError error={rotate.error ?? revoke.error} />}

      <ConfirmDialog
        title={t.rotateRemoteTokenOf(daemon.name)}
        open={asking === 'rotate'}
        confirmLabel={t.rotateToken}
        busy={rotate.busy}
        error={rotate.error}
        onConfirm={() => void rotate.run()}
        onClose={close}
      >
        <p>{t.rotateTokenDetail(`${token?.prefix ?? ''}…`)}</p>
      </ConfirmDialog>
      <ConfirmDialog
        title={t.revokeRemoteTokenOf(daemon.name)}
        open={asking === 'revoke'}
        confirmLabel={t.revokeToken}
        danger
        busy={revoke.busy}
        error={revoke.error}
        onConfirm={() => void revoke.run()}
        onClose={close}
      >
        <p>{t.revokeTokenDetail}</p>
      </ConfirmDialog>
    </section>
  );
}
