"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Banner } from "@/components/banner";
import { bannerMessage, errorCode, fieldErrorsOf } from "@/lib/errors";
import { useTRPC } from "@/trpc/client";

const WRONG_CREDENTIALS = "Email or password is wrong. Demo logins are printed by `npm start`.";

export function LoginForm({ next }: { next: string | null }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");

  const login = useMutation(
    trpc.auth.login.mutationOptions({
      onSuccess: ({ role }) => {
        // Whatever the previous person's screens cached must not show for this one.
        queryClient.clear();
        const home = role === "OPERATOR" ? "/admin" : "/";
        const target = next && (role === "OPERATOR" || !next.startsWith("/admin")) ? next : home;
        router.replace(target);
        router.refresh();
      },
    }),
  );

  function submit(event: FormEvent) {
    event.preventDefault();
    login.mutate({ email: email.trim(), password });
  }

  const fieldErrors = fieldErrorsOf(login.error);
  // Login fails with FORBIDDEN for a wrong email or password alike (never saying which); the demo hint helps here.
  // A lockout (TOO_MANY_REQUESTS) shows the server's message: how many minutes to wait, the same for every email.
  const code = errorCode(login.error);
  const message =
    code === "FORBIDDEN" || code === "UNAUTHORIZED"
      ? WRONG_CREDENTIALS
      : bannerMessage(login.error, ["email", "password"]);

  return (
    <form onSubmit={submit} className="space-y-3" noValidate>
      {message && <Banner tone="error">{message}</Banner>}
      <div>
        <label className="label" htmlFor="email">
          Email
        </label>
        <input
          id="email"
          name="email"
          type="email"
          autoComplete="username"
          className="input"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          aria-invalid={fieldErrors.email ? true : undefined}
          autoFocus
          required
        />
        {fieldErrors.email && <p className="field-error">{fieldErrors.email.join(" ")}</p>}
      </div>
      <div>
        <label className="label" htmlFor="password">
          Password
        </label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          className="input"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          aria-invalid={fieldErrors.password ? true : undefined}
          required
        />
        {fieldErrors.password && <p className="field-error">{fieldErrors.password.join(" ")}</p>}
      </div>
      <button type="submit" className="btn btn-primary w-full" disabled={login.isPending || login.isSuccess}>
        {login.isPending || login.isSuccess ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
