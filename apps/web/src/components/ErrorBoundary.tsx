import { Component, type ErrorInfo, type ReactNode } from 'react';
import { words } from '../i18n/i18n';

/**
 * A page that failed to render says so, with a way to try again, instead of leaving the whole
 * dashboard blank; the navigation around it keeps working. `resetKey` (the path) clears it.
 */
export class ErrorBoundary extends Component<{ resetKey: string; children: ReactNode }, { error: Error | null; key: string }> {
  override state = { error: null as Error | null, key: this.props.resetKey };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  static getDerivedStateFromProps(props: { resetKey: string }, state: { error: Error | null; key: string }) {
    return props.resetKey === state.key ? null : { error: null, key: props.resetKey };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error(error, info.componentStack);
  }

  override render() {
    if (!this.state.error) return this.props.children;
    const t = words();
    return (
      <section className="page">
        <h1>{t.pageFailed}</h1>
        <div className="state error" role="alert">
          <span>{this.state.error.message}</span>
          <button type="button" onClick={() => location.reload()}>
            {t.reload}
          </button>
        </div>
      </section>
    );
  }
}
