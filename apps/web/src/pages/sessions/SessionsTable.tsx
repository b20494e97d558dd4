import type { SessionView } from '@pharos/protocol';
import { type Column, DataTable } from '../../components/DataTable';
import { Empty } from '../../components/States';
import { ago, dateTime } from '../../format/time';
import { useT } from '../../i18n/i18n';

/** Signed-in devices, the current one marked, each with a button that signs it out. */
export function SessionsTable({ label, sessions, busy, onEnd }: { label: string; sessions: SessionView[]; busy: boolean; onEnd: (session: SessionView) => void }) {
  const t = useT();
  const device = (s: SessionView) => s.userAgent ?? t.unknownDevice;
  const columns: Column<SessionView>[] = [
    {
      header: t.device,
      kind: 'title',
      className: 'wrap',
      cell: (s) => (
        <>
          <strong>{device(s)}</strong>
          {s.current && <span className="muted small"> ({t.thisDevice})</span>}
        </>
      ),
    },
    { header: t.address, className: 'small', cell: (s) => s.ip ?? '—' },
    { header: t.signedInAt, className: 'muted small', cell: (s) => dateTime(s.createdAt) },
    { header: t.lastActive, className: 'muted small', tooltip: (s) => dateTime(s.lastUsedAt), cell: (s) => ago(s.lastUsedAt) },
    {
      header: t.actions,
      kind: 'actions',
      cell: (s) => (
        <button type="button" className="small danger" disabled={busy} onClick={() => onEnd(s)} aria-label={t.endSessionOf(device(s))}>
          {t.endSession}
        </button>
      ),
    },
  ];
  return <DataTable label={label} columns={columns} rows={sessions} empty={<Empty title={t.noSessions} />} rowAttributes={(s) => ({ 'data-session': s.id, ...(s.current ? { 'data-current': 'true' } : {}) })} />;
}
