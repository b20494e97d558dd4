import type { List, SessionView, UserView } from '@pharos/protocol';
import { api } from '../../api/client';
import { useAction, useApi } from '../../app/useApi';
import { Dialog } from '../../components/Dialog';
import { InlineError, Loaded } from '../../components/States';
import { useT } from '../../i18n/i18n';
import { SessionsTable } from './SessionsTable';

/** An admin's view of another user's sessions (users page): sign out one device or all. */
export function UserSessionsDialog({ user, onClose }: { user: UserView; onClose: () => void }) {
  const t = useT();
  const path = `/api/v1/users/${user.id}/sessions`;
  const sessions = useApi<List<SessionView>>(path);
  const end = useAction(async (session: SessionView) => {
    await api.delete(`${path}/${session.id}`);
    sessions.reload();
  });
  const endAll = useAction(async () => {
    await api.delete(path);
    sessions.reload();
  });
  return (
    <Dialog title={t.sessionsOfUser(user.username)} open onClose={onClose}>
      <div className="stack">
        <InlineError error={end.error ?? endAll.error} />
        <Loaded resource={sessions}>{({ items }) => <SessionsTable label={t.sessionsOfUser(user.username)} sessions={items} busy={end.busy} onEnd={(s) => void end.run(s)} />}</Loaded>
        <div className="actions">
          <button type="button" onClick={onClose}>
            {t.close}
          </button>
          <button type="button" className="danger" disabled={endAll.busy || (sessions.data?.items.length ?? 0) === 0} onClick={() => void endAll.run()}>
            {t.endAllSessions}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
