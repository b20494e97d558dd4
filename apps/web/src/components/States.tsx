import type { ReactNode } from 'react';
import { ApiError } from '../api/client';
import type { ApiResource } from '../app/useApi';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="state" role="status">
      <span className="spinner" aria-hidden /> {label}
    </div>
  );
}

/** What went wrong, in words an admin can act on. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 403) return 'Your account may not do this (it needs the admin role).';
    if (error.status === 404) return 'It does not exist (any more).';
    return error.message;
  }
  if (error instanceof TypeError) return 'Pharos cannot be reached. Check that it is running.';
  return error instanceof Error ? error.message : String(error);
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  return (
    <div className="state error" role="alert">
      <span>{errorText(error)}</span>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Retry
        </button>
      )}
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
 * with a Retry. Background refreshes keep the last data shown.
 */
export function Loaded<T>({ resource, children }: { resource: ApiResource<T>; children: (data: T) => ReactNode }) {
  if (resource.data !== undefined) return children(resource.data);
  return resource.loading ? <Loading /> : <ErrorState error={resource.error} onRetry={resource.reload} />;
}
