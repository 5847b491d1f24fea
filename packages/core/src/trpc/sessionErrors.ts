// Causes of the two session refusals the browser acts on. The error formatter turns them into flags on the error's data:
// `stepUpRequired` (the console asks for the password and repeats the call) and `sessionEnded` (the page sends the
// person to sign in, saying why).
import type { SessionEnd } from "../auth/sessions";

export const STEP_UP_MESSAGE = "Confirm your password to continue.";

export class StepUpRequired extends Error {
  constructor() {
    super(STEP_UP_MESSAGE);
    this.name = "StepUpRequired";
  }
}

export class SessionEnded extends Error {
  constructor(readonly reason: SessionEnd) {
    super(`session ${reason}`);
    this.name = "SessionEnded";
  }
}

/** What a person whose session ended is told; each says what to do next. */
export function sessionEndedMessage(reason: SessionEnd | undefined, absoluteMs: number): string {
  switch (reason) {
    case "idle":
      return "Your session ended because it was not used for a while. Sign in again.";
    case "expired":
      return `Your session reached its ${Math.round(absoluteMs / 3_600_000)}-hour limit. Sign in again.`;
    case "revoked":
      return "This session was signed out (here, on another device, or by Meridian support). Sign in again.";
    default:
      return "Your session has ended. Sign in again.";
  }
}
