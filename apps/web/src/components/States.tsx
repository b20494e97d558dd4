import type { ReactNode } from 'react';
import { ApiError } from '../api/client';
import { Link } from '../app/router';
import type { ApiResource } from '../app/useApi';
import { usePageTitle } from '../app/usePageTitle';
import { useT, words } from '../i18n/i18n';

export function Loading({ label }: { label?: string }) {
  const t = useT();
  return (
    <div className="state" role="status">
      <span className="spinner" aria-hidden /> {label ?? t.loading}
    </div>
  );
}

/** What went wrong, in words an admin can act on. */
export function errorText(error: unknown): string {
  const t = words();
  if (error instanceof ApiError) {
    if (error.status === 403) return t.errorForbidden;
    if (error.status === 404) return t.errorNotFound;
    return error.message;
  }
  if (error instanceof TypeError) return t.errorUnreachable;
  return error instanceof Error ? error.message : String(error);
}

/** A way back from a page that cannot be shown (its subject is gone). */
export interface BackLink {
  href: string;
  label: string;
}

export function ErrorState({ error, onRetry, back }: { error: unknown; onRetry?: () => void; back?: BackLink }) {
  const t = useT();
  const gone = error instanceof ApiError && error.status === 404;
  return (
    <div className="state error" role="alert">
      <span>{errorText(error)}</span>
      <div className="row">
        {back && (
          <Link href={back.href} className="button">
            {back.label}
          </Link>
        )}
        {onRetry && !gone && (
          <button type="button" onClick={onRetry}>
            {t.retry}
          </button>
        )}
      </div>
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state empty">
      <strong>{title}</strong>
      {children && <div className="muted">{children}</div>}
    </div>
  );
}

/** An error under a form or an action, kept short. */
export function InlineError({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p className="inline-error" role="alert">
      {errorText(error)}
    </p>
  );
}

/**
 * What `resource` holds once it came: `children(data)`; until then a spinner, or its error
 * with a Retry (and `back`, the way out, when its subject does not exist). Background
 * refreshes keep the last data shown.
 */
export function Loaded<T>({ resource, back, children }: { resource: ApiResource<T>; back?: BackLink; children: (data: T) => ReactNode }) {
  if (resource.data !== undefined) return children(resource.data);
  return resource.loading ? <Loading /> : <ErrorState error={resource.error} onRetry={resource.reload} back={back} />;
}

/** A whole page that could not load its subject: an `h1` still, its error, and the way back. */
export function LoadedPage<T>({ resource, title, back, children }: { resource: ApiResource<T>; title: string; back: BackLink; children: (data: T) => ReactNode }) {
  if (resource.data !== undefined) return children(resource.data);
  return <UnloadedPage resource={resource} title={title} back={back} />;
}

function UnloadedPage<T>({ resource, title, back }: { resource: ApiResource<T>; title: string; back: BackLink }) {
  usePageTitle(title);
  return (
    <section className="page">
      <h1 className="visually-hidden">{title}</h1>
      {resource.loading ? <Loading /> : <ErrorState error={resource.error} onRetry={resource.reload} back={back} />}
    </section>
  );
}
