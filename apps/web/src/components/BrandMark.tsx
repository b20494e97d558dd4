/** The Pharos mark: a lighthouse and its beam. */
export function BrandMark({ size = 18 }: { size?: number }) {
  return (
    <svg viewBox="0 0 32 32" width={size} height={size} aria-hidden className="brand-mark">
      <path d="M3 6.5 13 10v2L3 15.5z M29 6.5 19 10v2l10 3.5z" fill="currentColor" opacity="0.35" />
      <path d="M12 9h8v4h-8z" fill="currentColor" />
      <path d="M11.5 9 16 5l4.5 4z" fill="currentColor" opacity="0.8" />
      <path d="M13 14h6l1.6 14H11.4z" fill="currentColor" opacity="0.8" />
      <path d="M9 28h14v2H9z" fill="currentColor" opacity="0.6" />
    </svg>
  );
}
