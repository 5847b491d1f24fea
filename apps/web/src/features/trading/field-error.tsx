/** The server's message beside the input it is about (`id` is what the input's aria-describedby names). */
export function FieldError({ messages, id }: { messages: string[] | undefined; id: string }) {
  if (!messages?.length) return null;
  return (
    <p className="field-error" id={id} data-testid={id}>
      {messages.join(" ")}
    </p>
  );
}
