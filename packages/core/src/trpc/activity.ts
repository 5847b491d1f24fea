// What counts as the person's activity for a session's idle timeout. Screens poll and stream on their own, so a request
// alone does not show anyone is there: the browser says how long ago the person last typed, clicked or came back to
// the tab (ACTIVITY_HEADER), and only a request made within a minute of that keeps the session alive. A request that
// does not say (a page load, a script) counts; a stream (server-sent events) never does. The header cannot be used to
// stay signed in longer than a request could anyway: any request that counts keeps a session alive.

export const ACTIVITY_HEADER = "x-meridian-inactive-ms";

/** A request made this soon after the person's last input counts as their activity. */
export const ACTIVE_WITHIN_MS = 60_000;

export function showsActivity(request: { headers: Headers }): boolean {
  if (request.headers.get("accept")?.includes("text/event-stream")) return false;
  const reported = request.headers.get(ACTIVITY_HEADER);
  if (reported === null) return true;
  const inactiveMs = Number(reported);
  return !Number.isFinite(inactiveMs) || inactiveMs < ACTIVE_WITHIN_MS;
}
