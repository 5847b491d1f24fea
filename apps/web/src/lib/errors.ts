import { TRPCClientError } from "@trpc/client";

export type FieldErrors = Record<string, string[] | undefined>;

type ErrorData = {
  code?: string;
  httpStatus?: number;
  /** zod's flattenError shape, from core's errorFormatter. */
  zodError?: { formErrors?: string[]; fieldErrors?: FieldErrors } | null;
  /** The input field a domain error is about ("quantity" for "not enough shares"), from core's errorFormatter. */
  field?: string | null;
  /** From core's errorFormatter: a dependency was briefly unavailable and the same request may simply be repeated. */
  retryable?: boolean;
};

function dataOf(error: unknown): ErrorData | undefined {
  return error instanceof TRPCClientError ? (error.data as ErrorData | undefined) : undefined;
}

export function errorCode(error: unknown): string | undefined {
  return dataOf(error)?.code;
}

/**
 * True when the server said the request failed only because a system it depends on was briefly unavailable (503):
 * the banner keeps the server's message ("… Try again in a few seconds.") and the screen may offer "Try again".
 */
export function isRetryable(error: unknown): boolean {
  return dataOf(error)?.retryable === true;
}

/** Messages to show beside each input field: zod's field errors, or a domain error that names its field. */
export function fieldErrorsOf(error: unknown): FieldErrors {
  const data = dataOf(error);
  if (!data) return {};
  if (data.zodError) return data.zodError.fieldErrors ?? {};
  if (data.field && error instanceof Error) return { [data.field]: [error.message] };
  return {};
}

/**
 * The message for a banner: whatever the form cannot show beside a field it renders (`shownFields`), or how to
 * recover when the request never reached the server.
 */
export function bannerMessage(error: unknown, shownFields: readonly string[] = []): string | null {
  if (!error) return null;
  const data = dataOf(error);
  const shown = new Set(shownFields);
  if (data?.zodError) {
    const unshown = Object.entries(data.zodError.fieldErrors ?? {})
      .filter(([field]) => !shown.has(field))
      .flatMap(([, messages]) => messages ?? []);
    const messages = [...(data.zodError.formErrors ?? []), ...unshown];
    return messages.length > 0 ? messages.join(" ") : null;
  }
  if (data?.field && shown.has(data.field)) return null;
  if (error instanceof TRPCClientError) {
    if (!data) return "Meridian could not be reached. Check your connection and try again.";
    return error.message;
  }
  return error instanceof Error ? error.message : "Something went wrong. Try again.";
}
