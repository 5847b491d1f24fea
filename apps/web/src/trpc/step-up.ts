// Step-up on the console, in one place: a mutation the server refuses with `stepUpRequired` waits while the password
// dialog (components/step-up-dialog.tsx) asks for the password, then is sent again; cancelling hands the refusal on to
// the screen that made the call. Every screen's actions go through this link, so no page handles step-up itself.
import type { TRPCLink } from "@trpc/client";
import { observable, type Unsubscribable } from "@trpc/server/observable";
import type { AppRouter } from "@meridian/core/trpc";

type Settle = (confirmed: boolean) => void;

/** The calls waiting for the password; one dialog answers them all. */
let waiting: Settle[] = [];
const listeners = new Set<() => void>();
const notify = () => listeners.forEach((listener) => listener());

/** Asks for the password (opens the dialog); true once it is confirmed, false when the person cancels. */
export function requestStepUp(): Promise<boolean> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    notify();
  });
}

/** The dialog's answer, for every call waiting on it. */
export function settleStepUp(confirmed: boolean): void {
  const settled = waiting;
  waiting = [];
  for (const settle of settled) settle(confirmed);
  notify();
}

export const isStepUpPending = (): boolean => waiting.length > 0;

export function subscribeStepUp(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function needsStepUp(error: unknown): boolean {
  return (error as { data?: { stepUpRequired?: unknown } } | null)?.data?.stepUpRequired === true;
}

/** Repeats a mutation refused for want of step-up once the password is confirmed. */
export const stepUpLink: TRPCLink<AppRouter> =
  () =>
  ({ op, next }) =>
    observable((observer) => {
      let current: Unsubscribable | null = null;
      let closed = false;
      const send = () => {
        current = next(op).subscribe({
          next: (value) => observer.next(value),
          error: (error) => {
            if (op.type !== "mutation" || !needsStepUp(error)) return observer.error(error);
            void requestStepUp().then((confirmed) => {
              if (closed) return;
              if (confirmed) send();
              else observer.error(error);
            });
          },
          complete: () => observer.complete(),
        });
      };
      send();
      return () => {
        closed = true;
        current?.unsubscribe();
      };
    });
