import type { ReactNode } from 'react';
import { usePageTitle } from '../app/usePageTitle';
import { StatusBadge } from './Status';

/**
 * A page's title (its one `h1`, and the tab's title) and, beside it, what acts on the whole
 * page (links, buttons, badges). A page about one thing (a server, a daemon, a container)
 * passes its `status`: the name is then cut short when the window is narrow, and the badge stays.
 */
export function PageHeader({ title, status, children }: { title: string; status?: string | null; children?: ReactNode }) {
  usePageTitle(title);
  return (
    <header className="page-header">
      {status === undefined ? (
        <h1>{title}</h1>
      ) : (
        <h1>
          <span className="truncate">{title}</span>
          <StatusBadge status={status} />
        </h1>
      )}
      {children}
    </header>
  );
}
