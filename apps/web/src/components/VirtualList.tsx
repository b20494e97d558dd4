import { type ReactNode, type UIEvent, useEffect, useLayoutEffect, useRef, useState } from 'react';

export interface VirtualListProps {
  count: number;
  rowHeight: number;
  /** Rows rendered beyond each edge of the viewport, so fast scrolling shows no gaps. */
  overscan?: number;
  renderRow: (index: number) => ReactNode;
  /** The rows in view changed (first, last exclusive): fetch their pages, their metrics. */
  onRangeChange?: (start: number, end: number) => void;
  className?: string;
  ariaLabel?: string;
  /**
   * `table`: the list is a table's body (rows `row`, numbered after the header row); `list`:
   * a list of items. The page's structure is read from these roles by screen readers.
   */
  semantics?: 'table' | 'list';
}

/**
 * A scrolling list that renders only the rows in view, for lists of thousands. Rows are keyed
 * by slot (index modulo the number of rows that fit), so scrolling hands a mounted row a new
 * index instead of unmounting it: charts in rows are updated, not rebuilt.
 */
export function VirtualList({ count, rowHeight, overscan = 8, renderRow, onRangeChange, className, ariaLabel, semantics = 'list' }: VirtualListProps) {
  const box = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(600);

  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    const measure = () => setViewport(el.clientHeight || 600);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // A new list (other filters) starts at the top.
  useEffect(() => {
    if (box.current && scrollTop > count * rowHeight) box.current.scrollTop = 0;
  }, [count, rowHeight, scrollTop]);

  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(count, Math.ceil((scrollTop + viewport) / rowHeight) + overscan);
  const slots = Math.ceil(viewport / rowHeight) + 2 * overscan + 2;

  const visibleFirst = Math.min(count, Math.floor(scrollTop / rowHeight));
  const visibleLast = Math.min(count, Math.ceil((scrollTop + viewport) / rowHeight));
  useEffect(() => {
    onRangeChange?.(visibleFirst, visibleLast);
  }, [visibleFirst, visibleLast, onRangeChange]);

  const rows: ReactNode[] = [];
  for (let i = first; i < last; i++) {
    rows.push(
      <div
        key={i % slots}
        className="vrow"
        role={semantics === 'table' ? 'row' : 'listitem'}
        aria-rowindex={semantics === 'table' ? i + 2 : undefined}
        style={{ transform: `translateY(${i * rowHeight}px)`, height: rowHeight }}
      >
        {renderRow(i)}
      </div>,
    );
  }

  return (
    <div
      ref={box}
      className={`vlist ${className ?? ''}`}
      onScroll={(e: UIEvent<HTMLDivElement>) => setScrollTop(e.currentTarget.scrollTop)}
      role={semantics === 'table' ? 'rowgroup' : 'list'}
      aria-label={ariaLabel}
      tabIndex={0}
    >
      <div className="vlist-inner" role="none" style={{ height: count * rowHeight }}>
        {rows}
      </div>
    </div>
  );
}
