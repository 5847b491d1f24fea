import { describe, expect, it } from "vitest";
import { ACTIVITY_HEADER, showsActivity } from "./activity";

const request = (headers: Record<string, string>) => ({ headers: new Headers(headers) });

describe("what keeps a session from idling out", () => {
  it("a request made soon after the person's last input, or one that does not say (a page load, a script)", () => {
    expect(showsActivity(request({ [ACTIVITY_HEADER]: "1200" }))).toBe(true);
    expect(showsActivity(request({}))).toBe(true);
    expect(showsActivity(request({ [ACTIVITY_HEADER]: "garbage" }))).toBe(true);
  });

  it("not a screen polling on its own a minute or more after the last input, nor a stream", () => {
    expect(showsActivity(request({ [ACTIVITY_HEADER]: "60000" }))).toBe(false);
    expect(showsActivity(request({ [ACTIVITY_HEADER]: String(20 * 60_000) }))).toBe(false);
    expect(showsActivity(request({ accept: "text/event-stream" }))).toBe(false);
  });
});
