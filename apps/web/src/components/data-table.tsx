import clsx from "clsx";
import type { HTMLAttributes, ReactNode } from "react";

/** One column of a DataTable: its header and how a row fills its cell. */
export type Column<Row> = {
  header: ReactNode;
  cell: (row: Row) => ReactNode;
  /** Classes of the cell (the header takes only the alignment). */
  className?: string;
  /** Right-aligned, header and cells: amounts, counts. */
  numeric?: boolean;
  /** What the header means, on hover. */
  title?: string;
};

type RowProps = HTMLAttributes<HTMLTableRowElement> & Record<`data-${string}`, string | number | boolean | undefined>;

/**
 * The console's plain read-only table: a header, a row per item, and one line saying why there are none (or that they
 * are loading, while `rows` is undefined). Columns given as `false` are left out, so optional ones read inline.
 */
export function DataTable<Row>({
  columns,
  rows,
  rowKey,
  rowProps,
  empty,
  emptyTestId,
  loading,
  testId,
}: {
  columns: readonly (Column<Row> | false)[];
  rows: readonly Row[] | undefined;
  rowKey: (row: Row, index: number) => string | number;
  rowProps?: (row: Row) => RowProps;
  empty: ReactNode;
  emptyTestId?: string;
  loading?: ReactNode;
  testId?: string;
}) {
  const shown = columns.filter((column): column is Column<Row> => column !== false);
  const note = rows === undefined ? loading : rows.length === 0 ? empty : null;
  return (
    <table className="data-table" data-testid={testId}>
      <thead>
        <tr>
          {shown.map((column, index) => (
            <th key={index} className={clsx(column.numeric && "r")} title={column.title}>
              {column.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows?.map((row, index) => (
          <tr key={rowKey(row, index)} {...rowProps?.(row)}>
            {shown.map((column, columnIndex) => (
              <td key={columnIndex} className={clsx(column.numeric && "r", column.className)}>
                {column.cell(row)}
              </td>
            ))}
          </tr>
        ))}
        {note && (
          <NoteRow colSpan={shown.length} testId={rows ? emptyTestId : undefined}>
            {note}
          </NoteRow>
        )}
      </tbody>
    </table>
  );
}

/** "—": a cell with nothing to show. */
export function Missing() {
  return <span className="text-neutral-400">—</span>;
}

/** A table's one line about its rows: that they are loading, or why there are none. */
export function NoteRow({ colSpan, testId, children }: { colSpan: number; testId?: string; children: ReactNode }) {
  return (
    <tr>
      <td colSpan={colSpan} className="whitespace-normal text-neutral-500" data-testid={testId}>
        {children}
      </td>
    </tr>
  );
}
