import clsx from "clsx";

/** A row of mutually exclusive buttons (a radio group): the ticket's side and type, the exchange's direction. */
export function Toggle<T extends string>({
  value,
  options,
  onChange,
  name,
}: {
  value: T;
  options: { value: T; label: string; active: string }[];
  onChange: (v: T) => void;
  name: string;
}) {
  return (
    <div
      className="grid grid-flow-col gap-px overflow-hidden rounded border border-neutral-300 bg-neutral-300"
      role="radiogroup"
      aria-label={name}
    >
      {options.map((o) => (
        <button
          key={o.value}
          type="button"
          role="radio"
          aria-checked={value === o.value}
          onClick={() => onChange(o.value)}
          className={clsx(
            "h-8 text-[13px] font-medium",
            value === o.value ? o.active : "bg-white text-neutral-600 hover:bg-neutral-50",
          )}
        >
          {o.label}
        </button>
      ))}
    </div>
  );
}
