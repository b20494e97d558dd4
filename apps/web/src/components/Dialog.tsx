import { type ReactNode, useEffect, useRef } from 'react';
import { InlineError } from './States';

/** A modal dialog (the browser's own <dialog>): Escape and the close button dismiss it. */
export function Dialog({ title, open, onClose, children, wide = false }: { title: string; open: boolean; onClose: () => void; children: ReactNode; wide?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (open && !el.open) el.showModal();
    if (!open && el.open) el.close();
  }, [open]);
  return (
    <dialog ref={ref} className={wide ? 'dialog wide' : 'dialog'} onClose={onClose} aria-label={title}>
      {open && (
        <>
          <header className="dialog-header">
            <h3>{title}</h3>
            <button type="button" className="icon" onClick={onClose} aria-label="Close">
              ×
            </button>
          </header>
          <div className="dialog-body">{children}</div>
        </>
      )}
    </dialog>
  );
}

/**
 * Asks before an action that cannot be taken back (revoking a token, disabling a user): says
 * what will happen, and runs the action only on the explicit button. Its error stays in the
 * dialog, beside the button that caused it.
 */
export function ConfirmDialog({
  title,
  open,
  confirmLabel,
  danger = false,
  busy = false,
  error,
  onConfirm,
  onClose,
  children,
}: {
  title: string;
  open: boolean;
  confirmLabel: string;
  danger?: boolean;
  busy?: boolean;
  error?: unknown;
  onConfirm: () => void;
  onClose: () => void;
  children: ReactNode;
}) {
  return (
    <Dialog title={title} open={open} onClose={onClose}>
      <div className="confirm-text">{children}</div>
      <InlineError error={error} />
      <div className="actions-row">
        <button type="button" onClick={onClose} disabled={busy}>
          Cancel
        </button>
        <button type="button" className={danger ? 'primary danger-fill' : 'primary'} onClick={onConfirm} disabled={busy}>
          {busy ? 'Working…' : confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
