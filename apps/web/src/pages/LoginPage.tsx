import type { SignInProviders } from '@pharos/protocol';
import { type FormEvent, useEffect, useState } from 'react';
import { api } from '../api/client';
import { usePageTitle } from '../app/usePageTitle';
import { BrandMark } from '../components/BrandMark';
import { errorText } from '../components/States';
import { LanguageSelect, useT } from '../i18n/i18n';

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
      await api.login(username, password);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login">
      <form className="card login-card" onSubmit={submit} aria-label={t.signIn}>
        <h1 className="brand">
          <BrandMark size={22} />
          Pharos
        </h1>
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
        {error && (
          <p className="inline-error" role="alert">
            {error}
          </p>
        )}
        <button className="primary" type="submit" disabled={busy}>
          {busy ? t.signingIn : t.signIn}
        </button>
        <LanguageSelect />
      </form>
    </main>
  );
}
