/** A row of mutually exclusive choices (time ranges, tabs of a panel). */
export function Segmented<T extends string>({ options, value, onChange, ariaLabel }: { options: { value: T; label: string }[]; value: T; onChange: (value: T) => void; ariaLabel: string }) {
  return (
    <div className="segmented" role="radiogroup" aria-label={ariaLabel}>
      {options.map((o) => (
        <button key={o.value} type="button" role="radio" aria-checked={o.value === value} className={o.value === value ? 'on' : undefined} onClick={() => onChange(o.value)}>
          {o.label}
        </button>
      ))}
    </div>
  );
}

/**
 * Tabs of a page's sections; the chosen one is in the URL so a reload stays there. On a
 * narrow screen they wrap onto a second line rather than scroll out of sight.
 */
export function Tabs<T extends string>({ label, tabs, value, onChange }: { label: string; tabs: { value: T; label: string; hidden?: boolean }[]; value: T; onChange: (value: T) => void }) {
  return (
    <div className="tabs" role="tablist" aria-label={label}>
      {tabs
        .filter((t) => !t.hidden)
        .map((t) => (
          <button key={t.value} type="button" role="tab" aria-selected={t.value === value} className={t.value === value ? 'on' : undefined} onClick={() => onChange(t.value)}>
            {t.label}
          </button>
        ))}
    </div>
  );
}
