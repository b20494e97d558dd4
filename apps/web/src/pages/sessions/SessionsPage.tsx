import type { List, SessionView } from '@pharos/protocol';
import { useState } from 'react';
import { api } from '../../api/client';
import { useAction, useApi } from '../../app/useApi';
import { PageHeader } from '../../components/PageHeader';
import { InlineError, Loaded } from '../../components/States';
import { useT } from '../../i18n/i18n';
import { SessionsTable } from './SessionsTable';

/** Every device the user is signed in on: sign one out, or every other one. */
export function SessionsPage() {
  const t = useT();
  const sessions = useApi<List<SessionView>>('/api/v1/sessions');
  const [notice, setNotice] = useState<string>();
  const end = useAction(async (session: SessionView) => {
    // This device: sign out here (the cookie goes too).
    if (session.current) return api.logout();
    await api.delete(`/api/v1/sessions/${session.id}`);
    setNotice(t.deviceSignedOut);
    sessions.reload();
  });
  const endOthers = useAction(async () => {
    const { ended } = await api.delete<{ ended: number }>('/api/v1/sessions');
    setNotice(t.otherSessionsEnded(ended));
    sessions.reload();
  });
  const others = sessions.data?.items.filter((s) => !s.current).length ?? 0;
  return (
    <section className="page">
      <PageHeader title={t.navSessions}>
        <button type="button" className="danger" disabled={endOthers.busy || others === 0} onClick={() => void endOthers.run()}>
          {t.endOtherSessions}
        </button>
      </PageHeader>
      <p className="muted">{t.sessionsIntro}</p>
      {notice && (
        <p className="notice-bar" role="status">
          {notice}
        </p>
      )}
      <InlineError error={end.error ?? endOthers.error} />
      <Loaded resource={sessions}>{({ items }) => <SessionsTable label={t.navSessions} sessions={items} busy={end.busy} onEnd={(s) => void end.run(s)} />}</Loaded>
    </section>
  );
}
