import type { ReactNode } from 'react';

export interface Column<T> {
  /** The header; on narrow screens, where each row becomes a card, each cell's label. */
  header: string;
  cell: (row: T) => ReactNode;
  /** More classes of the column's cells (`small`, `muted`, `wrap`). */
  className?: string;
  /** What a cell shows on hover, when it has more to say than it shows. */
  tooltip?: (row: T) => string;
  /**
   * `title`: the cell that heads a row's card on narrow screens; `actions`: the row's buttons,
   * under a header only screen readers read. Neither is labelled in the card.
   */
  kind?: 'title' | 'actions';
}

/**
 * A table of `rows`, one column per `columns` entry, that turns into a card per row on narrow
 * screens (styles.css: `.table.cards`); `empty` instead when there are no rows.
 */
export function DataTable<T extends { id: string }>({
  label,
  columns,
  rows,
  empty,
  inCard = false,
  rowAttributes,
}: {
  /** The table's accessible name. */
  label: string;
  columns: Column<T>[];
  rows: T[];
  empty?: ReactNode;
  /** A table inside a card already has its frame. */
  inCard?: boolean;
  /** `data-` attributes of a row, for tests and styles to find it by. */
  rowAttributes?: (row: T) => { [name: `data-${string}`]: string };
}) {
  if (rows.length === 0 && empty) return empty;
  const table = (
    <table className="table cards" aria-label={label}>
      <thead>
        <tr>
          {columns.map((c) => (
            <th key={c.header}>{c.kind === 'actions' ? <span className="visually-hidden">{c.header}</span> : c.header}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.id} {...rowAttributes?.(row)}>
            {columns.map((c) => (
              <td key={c.header} className={cellClass(c)} title={c.tooltip?.(row)} data-label={c.kind ? undefined : c.header}>
                {c.cell(row)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
  return inCard ? table : <div className="table-wrap">{table}</div>;
}

function cellClass(column: Pick<Column<unknown>, 'className' | 'kind'>): string | undefined {
  const kind = column.kind === 'title' ? 'card-title' : column.kind;
  return [column.className, kind].filter(Boolean).join(' ') || undefined;
}
