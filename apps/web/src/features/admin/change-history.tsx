import { DataTable, Missing } from "@/components/data-table";
import { dateTimeText } from "@/lib/format";
import type { HistoryEntry } from "./router-types";

// Values arrive as the database's JSON of the row: numbers, strings, booleans, nulls and ISO timestamps.
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/;
const UUID = /([0-9a-f]{8})-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const LONGEST_VALUE = 60;

function valueText(value: unknown): string {
  if (value == null) return "null";
  if (typeof value === "string") return ISO_TIMESTAMP.test(value) ? dateTimeText(value) : value;
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

const ENTITY_LABEL: Record<string, string> = {
  orders: "Order",
  cash_balances: "Cash",
  holdings: "Holding",
  points_balances: "Points",
};

/**
 * "Cash USD", "Holding AAPL", "Points": which row of the account changed (keys are `accountId/currency` and the like).
 */
function entityText(entry: HistoryEntry): string {
  const label = ENTITY_LABEL[entry.entity] ?? entry.entity;
  const slash = entry.entityKey.indexOf("/");
  return slash >= 0 ? `${label} ${entry.entityKey.slice(slash + 1)}` : label;
}

/** One value as it reads in a line; a long one (a reason, a JSON detail) is cut, whole on hover. */
function Value({ value, className }: { value: unknown; className: string }) {
  const text = valueText(value);
  const cut = text.length > LONGEST_VALUE;
  return (
    <span className={className} title={cut ? text : undefined}>
      {cut ? `${text.slice(0, LONGEST_VALUE)}…` : text}
    </span>
  );
}

function Change({ field, from, to, created }: { field: string; from: unknown; to: unknown; created: boolean }) {
  return (
    <div className="leading-snug whitespace-nowrap" data-field={field}>
      <span className="font-mono text-[11.5px] text-neutral-500">{field}</span>{" "}
      {!created && (
        <>
          <Value value={from} className="text-neutral-500 line-through decoration-neutral-300" />
          <span className="px-1 text-neutral-400">→</span>
        </>
      )}
      <Value value={to} className="font-medium" />
    </div>
  );
}

/** "customer:560c8f56-…" reads as "customer:560c8f56…"; the whole actor on hover. */
function Actor({ actor }: { actor: string }) {
  const short = actor.replace(UUID, "$1…");
  return (
    <span className="font-mono text-[12px]" title={short === actor ? undefined : actor}>
      {short}
    </span>
  );
}

function Changes({ entry }: { entry: HistoryEntry }) {
  const fields = Object.entries(entry.changes);
  if (fields.length === 0) return <span className="text-neutral-400">no field changed</span>;
  // An insert lists every column: folded, so the updates around it stay readable.
  if (entry.operation === "INSERT") {
    return (
      <details>
        <summary className="cursor-pointer text-neutral-500 select-none">created with {fields.length} fields</summary>
        <div className="mt-1">
          {fields.map(([field, change]) => (
            <Change key={field} field={field} from={change.from} to={change.to} created />
          ))}
        </div>
      </details>
    );
  }
  return fields.map(([field, change]) => (
    <Change key={field} field={field} from={change.from} to={change.to} created={false} />
  ));
}

/** The database's change history of rows (an order, or an account's balances), newest first. */
export function ChangeHistoryTable({ entries, showEntity }: { entries: HistoryEntry[]; showEntity?: boolean }) {
  return (
    <DataTable
      testId="change-history"
      rows={entries}
      rowKey={(entry) => entry.id}
      rowProps={(entry) => ({ "data-entity": entry.entity, "data-operation": entry.operation, className: "align-top" })}
      empty="No changes recorded yet."
      columns={[
        { header: "Time", className: "text-neutral-500", cell: (entry) => dateTimeText(entry.changedAt) },
        showEntity === true && { header: "Row", className: "font-medium", cell: entityText },
        { header: "Op", className: "text-[11px] text-neutral-500", cell: (entry) => entry.operation },
        { header: "Changes (old → new)", cell: (entry) => <Changes entry={entry} /> },
        { header: "Actor", cell: (entry) => <Actor actor={entry.actor} /> },
        {
          header: "Cause",
          className: "max-w-80 whitespace-normal text-neutral-600",
          cell: (entry) => entry.cause || <Missing />,
        },
      ]}
    />
  );
}
