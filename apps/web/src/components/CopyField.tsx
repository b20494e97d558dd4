import { type ReactNode, useState } from 'react';
import { useT } from '../i18n/i18n';

/** Text to paste elsewhere (a token, an install command), with a copy button. */
export function CopyField({ value, label, multiline = false }: { value: string; label: string; multiline?: boolean }) {
  const t = useT();
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
    } catch {
      // Without clipboard access (plain http), select the text for the admin to copy.
      const range = document.createRange();
      const node = document.querySelector(`[data-copy="${CSS.escape(label)}"]`);
      if (node) {
        range.selectNodeContents(node);
        getSelection()?.removeAllRanges();
        getSelection()?.addRange(range);
      }
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 1500);
  };
  return (
    <div className="copy-field">
      <div className="copy-label muted small">{label}</div>
      <div className="copy-row">
        <code className={multiline ? 'copy-value multiline' : 'copy-value'} data-copy={label} aria-label={label}>
          {value}
        </code>
        <button type="button" onClick={() => void copy()} aria-label={t.copyThing(label)}>
          {copied ? t.copied : t.copy}
        </button>
      </div>
    </div>
  );
}

/** A secret Pharos will not show again: say so plainly, above the fields to copy. */
export function SecretOnce({ title, children, onDone }: { title: string; children: ReactNode; onDone: () => void }) {
  const t = useT();
  return (
    <section className="secret-once" aria-label={title}>
      <header>
        <strong>{title}</strong>
        <p className="notice small">{t.copyItNow}</p>
      </header>
      {children}
      <div className="actions">
        <button type="button" className="primary" onClick={onDone}>
          {t.iHaveCopiedIt}
        </button>
      </div>
    </section>
  );
}
