import type { SignInProviders, TotpEnrolment, TwoFactorChallenge } from '@pharos/protocol';
import { type FormEvent, type ReactNode, useEffect, useState } from 'react';
import { api } from '../api/client';
import { usePageTitle } from '../app/usePageTitle';
import { BrandMark } from '../components/BrandMark';
import { errorText } from '../components/States';
import { LanguageSelect, useT } from '../i18n/i18n';
import { CodeInput, RecoveryCodesOnce, TotpEnrolmentForm } from './account/TotpEnrolmentForm';

/**
 * What single sign-on's callback said in the address the dashboard was loaded at (`?signin=sso`
 * or `?signin_error=…`, see `SignInProviders`), read once and removed from the address so a
 * reload or a bookmark does not repeat it.
 */
const SSO_OUTCOME = takeSsoOutcome();

function takeSsoOutcome(): { signedIn: boolean; error: string | null } {
  const params = new URLSearchParams(location.search);
  const outcome = { signedIn: params.get('signin') === 'sso', error: params.get('signin_error') };
  if (outcome.signedIn || outcome.error !== null) history.replaceState(null, '', location.pathname);
  return outcome;
}

export function LoginPage({ notice }: { notice?: string }) {
  const t = useT();
  const [username, setUsername] = useState('admin');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(SSO_OUTCOME.error);
  const [busy, setBusy] = useState(SSO_OUTCOME.signedIn);
  const [challenge, setChallenge] = useState<TwoFactorChallenge | null>(null);
  const [providers, setProviders] = useState<SignInProviders | null>(null);
  usePageTitle(t.signIn);

  useEffect(() => {
    void api.providers().then(setProviders, () => setProviders(null));
    // Back from the provider signed in: the cookie is traded for the session (the app then leaves this page).
    if (SSO_OUTCOME.signedIn) {
      SSO_OUTCOME.signedIn = false;
      void api
        .adoptSsoSession()
        .catch((e: unknown) => setError(errorText(e)))
        .finally(() => setBusy(false));
    }
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const answer = await api.login(username, password);
      if ('twoFactorRequired' in answer) setChallenge(answer);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  if (challenge) {
    const startOver = () => {
      setChallenge(null);
      setPassword('');
    };
    return challenge.next === 'code' ? <CodeStep challenge={challenge.challenge} onStartOver={startOver} /> : <EnrolStep challenge={challenge.challenge} onStartOver={startOver} />;
  }

  return (
    <LoginCard label={t.signIn} onSubmit={submit}>
      <p className="muted">{t.signInToRun}</p>
      {providers?.oidc && (
        <>
          <button type="button" className="primary" disabled={busy} onClick={() => location.assign(providers.oidc!.startUrl)}>
            {t.signInWith(providers.oidc.name)}
          </button>
          <p className="muted login-or">{t.orWithPassword}</p>
        </>
      )}
      {notice && !error && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      <label>
        {t.username}
        <input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required />
      </label>
      <label>
        {t.password}
        <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required autoFocus />
      </label>
      <ErrorLine error={error} />
      <button className="primary" type="submit" disabled={busy}>
        {busy ? t.signingIn : t.signIn}
      </button>
      <LanguageSelect />
    </LoginCard>
  );
}

/** The second step: a code from the app, or (behind a link) a recovery code. */
function CodeStep({ challenge, onStartOver }: { challenge: string; onStartOver: () => void }) {
  const t = useT();
  const [useRecovery, setUseRecovery] = useState(false);
  const [code, setCode] = useState('');
  const [recoveryCode, setRecoveryCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      (await api.loginTwoFactor(challenge, useRecovery ? { recoveryCode } : { code })).enter();
    } catch (e) {
      setError(errorText(e));
      setBusy(false);
    }
  };
  return (
    <LoginCard label={t.twoFactor} onSubmit={submit}>
      <p className="muted">{useRecovery ? t.enterRecoveryCode : t.enterAppCode}</p>
      {useRecovery ? (
        <label>
          {t.recoveryCode}
          <input name="recoveryCode" value={recoveryCode} onChange={(e) => setRecoveryCode(e.target.value)} autoComplete="off" required autoFocus maxLength={64} />
        </label>
      ) : (
        <CodeInput label={t.appCode} value={code} onChange={setCode} autoFocus />
      )}
      <ErrorLine error={error} />
      <button className="primary" type="submit" disabled={busy}>
        {busy ? t.verifying : t.verify}
      </button>
      <button type="button" className="ghost" onClick={() => setUseRecovery(!useRecovery)}>
        {useRecovery ? t.useAppCode : t.useRecoveryCode}
      </button>
      <button type="button" className="ghost" onClick={onStartOver}>
        {t.startOver}
      </button>
    </LoginCard>
  );
}

/** An account that must have two-factor sign-in and has none: enrol, confirm, keep the recovery codes, then in. */
function EnrolStep({ challenge, onStartOver }: { challenge: string; onStartOver: () => void }) {
  const t = useT();
  const [enrolment, setEnrolment] = useState<TotpEnrolment | null>(null);
  const [done, setDone] = useState<{ recoveryCodes?: string[]; enter: () => void } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const attempt = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="login">
      <section className="card login-card wide" aria-label={t.setUpTwoFactor}>
        <h1 className="brand">
          <BrandMark size={22} />
          Pharos
        </h1>
        {done ? (
          <RecoveryCodesOnce codes={done.recoveryCodes ?? []} onDone={done.enter} />
        ) : enrolment ? (
          <TotpEnrolmentForm enrolment={enrolment} busy={busy} error={error} onConfirm={(code) => void attempt(async () => setDone(await api.loginTwoFactor(challenge, { code })))} />
        ) : (
          <>
            <p className="notice">{t.mustSetUpTwoFactor}</p>
            <ErrorLine error={error === null ? null : errorText(error)} />
            <button type="button" className="primary" disabled={busy} onClick={() => void attempt(async () => setEnrolment(await api.enrolAtSignIn(challenge)))}>
              {t.setUpTwoFactor}
            </button>
          </>
        )}
        {!done && (
          <button type="button" className="ghost" onClick={onStartOver}>
            {t.startOver}
          </button>
        )}
      </section>
    </main>
  );
}

function LoginCard({ label, onSubmit, children }: { label: string; onSubmit: (event: FormEvent) => void; children: ReactNode }) {
  return (
    <main className="login">
      <form className="card login-card" onSubmit={onSubmit} aria-label={label}>
        <h1 className="brand">
          <BrandMark size={22} />
          Pharos
        </h1>
        {children}
      </form>
    </main>
  );
}

function ErrorLine({ error }: { error: string | null }) {
  return error ? (
    <p className="inline-error" role="alert">
      {error}
    </p>
  ) : null;
}
