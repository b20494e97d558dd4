import type { RecoveryCodes, TotpEnrolment, TwoFactorStatus } from '@pharos/protocol';
import { useState } from 'react';
import { api, type SessionUser } from '../../api/client';
import { useAction, useApi } from '../../app/useApi';
import { ActionForm } from '../../components/ActionForm';
import { PageHeader } from '../../components/PageHeader';
import { StatusBadge } from '../../components/Status';
import { InlineError, Loaded } from '../../components/States';
import { dateTime } from '../../format/time';
import { useT } from '../../i18n/i18n';
import { CodeInput, RecoveryCodesOnce, TotpEnrolmentForm } from './TotpEnrolmentForm';

/** The signed-in user's own account: for now, their two-factor sign-in. */
export function AccountPage({ user }: { user: SessionUser }) {
  const t = useT();
  return (
    <section className="page">
      <PageHeader title={t.navAccount} />
      <p className="muted">{t.signedInAs(user.username, user.role === 'admin' ? t.roleAdmin : t.roleViewer)}</p>
      <TwoFactorSection />
    </section>
  );
}

const STATUS_PATH = '/api/v1/account/two-factor';

/** Status, enrolment (QR code, secret, first code, recovery codes once), new recovery codes, turning it off. */
function TwoFactorSection() {
  const t = useT();
  const status = useApi<TwoFactorStatus>(STATUS_PATH);
  const [enrolment, setEnrolment] = useState<TotpEnrolment | null>(null);
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  const start = useAction(async () => setEnrolment(await api.post<TotpEnrolment>(`${STATUS_PATH}/totp/enrol`)));
  const confirm = useAction(async (code: string) => {
    const answer = await api.post<RecoveryCodes>(`${STATUS_PATH}/totp/confirm`, { code });
    setEnrolment(null);
    setRecoveryCodes(answer.recoveryCodes);
    status.reload();
  });
  return (
    <section className="card card-pad stack" aria-label={t.twoFactor}>
      <h2>{t.twoFactor}</h2>
      <p className="hint">{t.twoFactorIntro}</p>
      {recoveryCodes && <RecoveryCodesOnce codes={recoveryCodes} onDone={() => setRecoveryCodes(null)} />}
      <Loaded resource={status}>
        {(s) => (
          <>
            <p data-two-factor-status={s.enabled ? 'on' : 'off'}>
              <StatusBadge status={s.enabled ? 'online' : 'unknown'} label={s.enabled ? t.twoFactorOn : t.twoFactorOff} />{' '}
              {s.enabled && s.enabledAt && t.twoFactorOnSince(dateTime(s.enabledAt))} {s.required && <strong>{t.twoFactorRequiredForYou}</strong>}{' '}
              {s.enabled && <span className="muted">{t.recoveryCodesLeft(s.recoveryCodesLeft)}</span>}
            </p>
            {!s.enabled && !enrolment && (
              <div className="actions">
                <button type="button" className="primary" onClick={() => void start.run()} disabled={start.busy}>
                  {t.setUpTwoFactor}
                </button>
              </div>
            )}
            <InlineError error={start.error} />
            {!s.enabled && enrolment && <TotpEnrolmentForm enrolment={enrolment} busy={confirm.busy} error={confirm.error} onConfirm={(code) => void confirm.run(code)} />}
            {s.enabled && <NewRecoveryCodesForm onCodes={setRecoveryCodes} onChanged={status.reload} />}
            {s.enabled && <TurnOffForm onOff={status.reload} />}
          </>
        )}
      </Loaded>
    </section>
  );
}

function NewRecoveryCodesForm({ onCodes, onChanged }: { onCodes: (codes: string[]) => void; onChanged: () => void }) {
  const t = useT();
  const [code, setCode] = useState('');
  const regenerate = useAction(async () => {
    const answer = await api.post<RecoveryCodes>(`${STATUS_PATH}/recovery-codes`, { code });
    setCode('');
    onCodes(answer.recoveryCodes);
    onChanged();
  });
  return (
    <div className="stack">
      <h3>{t.newRecoveryCodes}</h3>
      <p className="hint">{t.newRecoveryCodesDetail}</p>
      <ActionForm label={t.newRecoveryCodes} submit={t.newRecoveryCodes} busy={regenerate.busy} error={regenerate.error} onSubmit={() => void regenerate.run()}>
        <CodeInput label={t.appCode} value={code} onChange={setCode} />
      </ActionForm>
    </div>
  );
}

function TurnOffForm({ onOff }: { onOff: () => void }) {
  const t = useT();
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const turnOff = useAction(async () => {
    await api.post(`${STATUS_PATH}/totp/disable`, { password, code });
    onOff();
  });
  return (
    <div className="stack">
      <h3>{t.turnOffTwoFactor}</h3>
      <p className="hint">{t.turnOffTwoFactorDetail}</p>
      <ActionForm label={t.turnOffTwoFactor} submit={t.turnOffTwoFactor} busy={turnOff.busy} error={turnOff.error} onSubmit={() => void turnOff.run()}>
        <label>
          {t.password}
          <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" required />
        </label>
        <CodeInput label={t.appCode} value={code} onChange={setCode} />
      </ActionForm>
    </div>
  );
}
