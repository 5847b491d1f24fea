// When the person last typed, clicked, scrolled or came back to the tab. Every API call says how long ago that was
// (core's trpc/activity.ts), so that screens polling on their own do not keep an unattended session from idling out.
import { ACTIVITY_HEADER } from "@meridian/core/client";

let lastActiveAt = Date.now();

if (typeof window !== "undefined") {
  const seen = () => {
    lastActiveAt = Date.now();
  };
  for (const event of ["pointerdown", "keydown", "wheel", "touchstart"] as const)
    window.addEventListener(event, seen, { passive: true, capture: true });
  document.addEventListener("visibilitychange", () => document.visibilityState === "visible" && seen());
}

export function activityHeaders(): Record<string, string> {
  return { [ACTIVITY_HEADER]: String(Date.now() - lastActiveAt) };
}
