import type { TotpEnrolment } from '@pharos/protocol';
import { type FormEvent, useState } from 'react';
import { CopyField } from '../../components/CopyField';
import { InlineError } from '../../components/States';
import { useT } from '../../i18n/i18n';

/** The six digits an authenticator app shows (spaces the app puts in the middle are dropped). */
export function CodeInput({ value, onChange, label, autoFocus = false }: { value: string; onChange: (code: string) => void; label: string; autoFocus?: boolean }) {
  return (
    <label>
      {label}
      <input
        name="code"
        value={value}
        onChange={(e) => onChange(e.target.value.replace(/\s/g, ''))}
        inputMode="numeric"
        autoComplete="one-time-code"
        pattern="[0-9]{6}"
        maxLength={6}
        required
        autoFocus={autoFocus}
      />
    </label>
  );
}

/**
 * A new TOTP secret to add to an app — its QR code, the secret as text for typing in by hand —
 * and the first code that turns it on (on the account page, or at a sign-in that requires it).
 */
export function TotpEnrolmentForm({ enrolment, busy, error, onConfirm }: { enrolment: TotpEnrolment; busy: boolean; error: unknown; onConfirm: (code: string) => void }) {
  const t = useT();
  const [code, setCode] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onConfirm(code);
  };
  return (
    <form className="form stack totp-enrolment" onSubmit={submit} aria-label={t.setUpTwoFactor}>
      <p className="hint">{t.scanQrCode}</p>
      <img className="totp-qr" src={enrolment.qrCodeDataUrl} alt={t.totpQrCodeAlt} width={200} height={200} />
      <CopyField label={t.totpSecret} value={enrolment.secret} />
      <CodeInput label={t.appCode} value={code} onChange={setCode} autoFocus />
      <InlineError error={error} />
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t.confirming : t.confirmCode}
        </button>
      </div>
    </form>
  );
}

/** Recovery codes, shown this once, with a copy button for all of them. */
export function RecoveryCodesOnce({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const t = useT();
  return (
    <section className="secret-once" aria-label={t.recoveryCodes}>
      <header>
        <strong>{t.recoveryCodes}</strong>
        <p className="notice small">{t.recoveryCodesShownOnce}</p>
      </header>
      <CopyField label={t.recoveryCodes} value={codes.join('\n')} multiline />
      <div className="actions">
        <button type="button" className="primary" onClick={onDone}>
          {t.savedRecoveryCodes}
        </button>
      </div>
    </section>
  );
}
