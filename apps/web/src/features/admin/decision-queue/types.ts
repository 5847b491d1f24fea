// What one operator queue tells the DecisionQueue: its rows' columns, the decisions a row takes, the words of each
// decision and the procedures that make them. Shapes of rows, inputs and results come from the tRPC router.
import type { UseMutationOptions, UseQueryOptions } from "@tanstack/react-query";
import type { ColumnDef, SortingState, VisibilityState } from "@tanstack/react-table";
import type { ReactNode } from "react";
import type { BulkPreview, BulkResult } from "../router-types";

export type DecisionOption<D extends string> = { value: D; label: string };

/** The reason form's words for one decision on one row. */
export type DecisionText = { summary: ReactNode; submitLabel: string; destructive?: boolean };

/**
 * One row of a bulk preview: what the decision would do to it now, and the state it was read in (sent back on apply).
 */
export type BulkPreviewRow = BulkPreview["rows"][number];
export type BulkOutcome = BulkResult["outcomes"][number];
export type { BulkResult };
export type BulkInput<D extends string> = { decision: D; reason: string; rows: { id: string; expected: string }[] };

// tRPC's query and mutation options carry its own error and key types; the queue only runs them, so it leaves those
// open.
type QueryOptionsOf<Data> = UseQueryOptions<Data, any, Data, any>;
// The result is left open too: tRPC's options and inferRouterOutputs can spell one enum two ways (its own union, or
// string); `done` reads the result as the router's outputs say.
type MutationOptionsOf<Result, Input> = UseMutationOptions<Result | any, any, Input, any>;

export type BulkConfig<D extends string> = {
  /** The decisions offered for a selection, each with what it does to every row it applies to. */
  decisions: readonly (DecisionOption<D> & { effect: string; destructive?: boolean })[];
  /** admin.<queue>.preview: what `decision` would do to each row now. */
  preview: (ids: string[], decision: D) => QueryOptionsOf<BulkPreview>;
  /** admin.<queue>.decideMany: the decision applied row by row, each only if it is still as previewed. */
  decideMany: MutationOptionsOf<BulkResult, BulkInput<D>>;
};

// The columns of one table hold different value types (dates, decimals, enums); react-table's helper types each one.
export type QueueColumns<Row> = ColumnDef<Row, any>[];

export type QueueConfig<Row, D extends string, Input, Result> = {
  /** The region's accessible name. */
  label: string;
  testIds: { table: string; empty: string; form: string; success: string };
  /** "order" / "orders": what a row is, in counts. */
  noun: { one: string; many: string };
  rowId: (row: Row) => string;
  rowData: (row: Row) => Record<`data-${string}`, string | boolean>;
  /** A short description of a row for previews and outcomes, e.g. "BUY 3 AAPL · M-100-0001". */
  describe?: (row: Row) => string;
  columns: QueueColumns<Row>;
  initialSort?: SortingState;
  /** Columns kept for filtering and search only. */
  columnVisibility?: VisibilityState;
  /** Column filters shown as selects above the table, options taken from the rows unless given. */
  columnFilters?: { column: string; label: string; any: string; options?: readonly string[] }[];
  /** The decisions a row takes now; none means it is settled (and not selectable). */
  decisions: (row: Row) => readonly DecisionOption<D>[];
  /** Header of the decision column, and what it shows for a settled row. */
  decisionColumn?: { header?: string; settled?: (row: Row) => ReactNode };
  form: (row: Row, decision: D) => DecisionText;
  placeholder: string;
  decide: {
    options: MutationOptionsOf<Result, Input>;
    input: (row: Row, decision: D, reason: string) => Input;
    /** The banner after a decision went through: what changed. */
    done: (result: Result, decision: D, row: Row) => string;
  };
  /** What folds out under a row (its history), opened by a DetailToggle in one of its cells. */
  detail?: (row: Row) => ReactNode;
  loading: string;
  /** Why the list is empty when the server returned nothing (a filter that hides every row has its own line). */
  empty: ReactNode;
  bulk?: BulkConfig<D>;
};

/** The queue's state its cells can reach through react-table's meta. */
export type QueueMeta = { isExpanded: (rowId: string) => boolean; toggleDetail: (rowId: string) => void };
