import type { DaemonView, IssuedRemoteToken } from '@pharos/protocol';
import { useState } from 'react';
import { api } from '../../api/client';
import { useAction } from '../../app/useApi';
import { CopyField, SecretOnce } from '../../components/CopyField';
import { ConfirmDialog } from '../../components/Dialog';
import { InlineError } from '../../components/States';
import { ago } from '../../format/time';

/**
 * The token a Lightd daemon reports to Pharos with: rotate it (the new one and the config
 * block the daemon needs are shown once) or revoke it. Both stop the old token at once, so
 * both ask first.
 */
export function RemoteTokenPanel({ daemon, isAdmin, now, onChanged }: { daemon: DaemonView; isAdmin: boolean; now: number; onChanged: () => void }) {
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
    <section className="card card-pad stack" aria-label="Remote token">
      <div className="row">
        <h3>Remote token</h3>
        <span className="spacer" />
        {isAdmin && (
          <>
            <button type="button" onClick={() => (token ? setAsking('rotate') : void rotate.run())} disabled={rotate.busy}>
              {token ? 'Rotate token' : 'Issue a token'}
            </button>
            {token && (
              <button type="button" className="danger" onClick={() => setAsking('revoke')} disabled={revoke.busy}>
                Revoke token
              </button>
            )}
          </>
        )}
      </div>
      <p className="muted small">
        {token ? (
          <>
            <code>{token.prefix}…</code> issued {ago(token.issuedAt, now)}. The daemon sends it with every status report.
          </>
        ) : (
          'No remote token: the daemon cannot report to Pharos until one is issued.'
        )}
      </p>
      {issued && (
        <SecretOnce title={`New remote token of daemon "${daemon.name}"`} onDone={() => setIssued(null)}>
          <p className="small">Replace the daemon's <code>remote</code> section with this and restart it; the previous token no longer works.</p>
          <CopyField label="Lightd remote config" value={JSON.stringify(issued.lightdConfig, null, 2)} multiline />
          <CopyField label="Remote token" value={issued.remoteToken} />
        </SecretOnce>
      )}
      {!asking && <InlineError error={rotate.error ?? revoke.error} />}

      <ConfirmDialog
        title={`Rotate the remote token of ${daemon.name}?`}
        open={asking === 'rotate'}
        confirmLabel="Rotate token"
        busy={rotate.busy}
        error={rotate.error}
        onConfirm={() => void rotate.run()}
        onClose={close}
      >
        <p>
          Pharos issues a new token and the current one (<code>{token?.prefix}…</code>) stops working at once. The daemon's reports are refused until
          its configuration holds the new token.
        </p>
      </ConfirmDialog>
      <ConfirmDialog
        title={`Revoke the remote token of ${daemon.name}?`}
        open={asking === 'revoke'}
        confirmLabel="Revoke token"
        danger
        busy={revoke.busy}
        error={revoke.error}
        onConfirm={() => void revoke.run()}
        onClose={close}
      >
        <p>The daemon can no longer report container status to Pharos until you issue a new token. Its containers and history stay.</p>
      </ConfirmDialog>
    </section>
  );
}
