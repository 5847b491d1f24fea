/** Long ids stay readable in dense tables: first characters shown, the whole id on hover and in copies. */
export function MonoId({ id, length = 8 }: { id: string; length?: number }) {
  return (
    <span className="font-mono text-[12px] text-neutral-600" title={id}>
      {id.length > length ? `${id.slice(0, length)}…` : id}
    </span>
  );
}
