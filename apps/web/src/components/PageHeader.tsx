import type { ReactNode } from 'react';
import { StatusBadge } from './Status';

/**
 * A page's title and, beside it, what acts on the whole page (links, buttons, badges). A page
 * about one thing (a server, a daemon, a container) passes its `status`: the name is then cut
 * short when the window is narrow, and the badge stays.
 */
export function PageHeader({ title, status, children }: { title: ReactNode; status?: string | null; children?: ReactNode }) {
  return (
    <header className="page-header">
      {status === undefined ? (
        <h2>{title}</h2>
      ) : (
        <h2>
          <span className="truncate">{title}</span>
          <StatusBadge status={status} />
        </h2>
      )}
      {children}
    </header>
  );
}
