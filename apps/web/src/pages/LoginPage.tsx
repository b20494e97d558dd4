import { type FormEvent, useState } from 'react';
import { api } from '../api/client';
import { usePageTitle } from '../app/usePageTitle';
import { BrandMark } from '../components/BrandMark';
import { errorText } from '../components/States';
import { LanguageSelect, useT } from '../i18n/i18n';

export function LoginPage({ notice }: { notice?: string }) {
  const t = useT();
  const [username, setUsername] = useState('admin');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  usePageTitle(t.signIn);

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
