"use client";

import { useMutation } from "@tanstack/react-query";
import { useState, useSyncExternalStore, type FormEvent } from "react";
import { bannerMessage, fieldErrorsOf } from "@/lib/errors";
import { useTRPC } from "@/trpc/client";
import { isStepUpPending, settleStepUp, subscribeStepUp } from "@/trpc/step-up";
import { Banner } from "./banner";

/**
 * The console's password confirmation (step-up). It opens when an action is refused for want of one, and on success
 * the action is sent again by the link in trpc/step-up.ts. Wrong passwords count toward the sign-in lockout.
 */
export function StepUpDialog() {
  const trpc = useTRPC();
  const open = useSyncExternalStore(subscribeStepUp, isStepUpPending, () => false);
  const [password, setPassword] = useState("");
  const confirm = useMutation(
    trpc.auth.stepUp.mutationOptions({
      onSuccess: () => {
        setPassword("");
        confirm.reset();
        settleStepUp(true);
      },
    }),
  );
  if (!open) return null;

  function submit(event: FormEvent) {
    event.preventDefault();
    confirm.mutate({ password });
  }
  function cancel() {
    setPassword("");
    confirm.reset();
    settleStepUp(false);
  }

  const fieldErrors = fieldErrorsOf(confirm.error);
  const banner = bannerMessage(confirm.error, ["password"]);
  return (
    <div className="fixed inset-0 z-50 flex items-center justify-center bg-neutral-900/40 p-4">
      <form
        role="dialog"
        aria-modal="true"
        aria-labelledby="step-up-title"
        aria-describedby="step-up-why"
        data-testid="step-up-dialog"
        onSubmit={submit}
        onKeyDown={(event) => event.key === "Escape" && cancel()}
        className="panel w-full max-w-sm space-y-3 p-5"
        noValidate
      >
        <h2 id="step-up-title" className="text-sm font-semibold">
          Confirm your password
        </h2>
        <p id="step-up-why" className="text-[13px] text-neutral-600">
          This action moves money or changes the system. Type the password you sign in with; the action then goes ahead,
          and you will not be asked again for a few minutes.
        </p>
        {banner && (
          <Banner tone="error">
            <span data-testid="step-up-error">{banner}</span>
          </Banner>
        )}
        <div>
          <label className="label" htmlFor="step-up-password">
            Your password
          </label>
          <input
            id="step-up-password"
            type="password"
            autoComplete="current-password"
            className="input"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            aria-invalid={fieldErrors.password ? true : undefined}
            aria-describedby="step-up-password-error"
            autoFocus
          />
          {fieldErrors.password && (
            <p className="field-error" id="step-up-password-error" data-testid="step-up-password-error">
              {fieldErrors.password.join(" ")}
            </p>
          )}
        </div>
        <div className="flex justify-end gap-2">
          <button type="button" className="btn btn-ghost" onClick={cancel} disabled={confirm.isPending}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={confirm.isPending}>
            {confirm.isPending ? "Confirming…" : "Confirm"}
          </button>
        </div>
      </form>
    </div>
  );
}
