import { type ReactNode, useEffect, useRef } from 'react';

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
