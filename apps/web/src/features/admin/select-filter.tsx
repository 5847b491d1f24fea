import clsx from "clsx";

type Option<V extends string> = V | { value: V; label: string };

/** A labelled select over a list's filter value; the `any` option (value "") means no filter. */
export function SelectFilter<V extends string>({
  id,
  label,
  value,
  options,
  any,
  width = "w-40",
  onChange,
}: {
  id: string;
  label: string;
  value: V | "";
  options: readonly Option<V>[];
  any?: string;
  width?: string;
  onChange: (value: V | "") => void;
}) {
  return (
    <div>
      <label className="label" htmlFor={id}>
        {label}
      </label>
      <select
        id={id}
        className={clsx("input", width)}
        value={value}
        onChange={(e) => onChange(e.target.value as V | "")}
      >
        {any !== undefined && <option value="">{any}</option>}
        {options.map((option) => {
          const { value: optionValue, label: optionLabel } =
            typeof option === "string" ? { value: option, label: option } : option;
          return (
            <option key={optionValue} value={optionValue}>
              {optionLabel}
            </option>
          );
        })}
      </select>
    </div>
  );
}
