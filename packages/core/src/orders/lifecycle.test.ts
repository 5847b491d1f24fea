import { describe, expect, it } from "vitest";
import type { OrderStatus } from "@meridian/db";
import { assertTransition, IllegalTransitionError, mayTransition, TRANSITIONS } from "./lifecycle";
import { TERMINAL_STATUSES } from "./status";

const ALL = Object.keys(TRANSITIONS) as OrderStatus[];

describe("order lifecycle table", () => {
  it("a terminal order moves nowhere but to FILLED by a late fill", () => {
    for (const from of TERMINAL_STATUSES) {
      for (const to of ALL.filter((status) => status !== from)) {
        const kinds = TRANSITIONS[from][to] ?? [];
        expect(
          kinds.every((kind) => kind === "LATE_FILL" && to === "FILLED"),
          `${from} → ${to} by ${kinds.join(", ")}`,
        ).toBe(true);
      }
    }
  });

  it("nothing returns to PENDING_NEW, and only a submit attempt leads to SUBMITTING", () => {
    for (const from of ALL) {
      expect(TRANSITIONS[from].PENDING_NEW).toBeUndefined();
      if (TRANSITIONS[from].SUBMITTING) expect(TRANSITIONS[from].SUBMITTING).toEqual(["SUBMIT_ATTEMPT"]);
    }
  });

  it("a refused cancel is the only way back from PENDING_CANCEL to a working order", () => {
    expect(mayTransition("PENDING_CANCEL", "ACCEPTED", "CANCEL_REJECTED")).toBe(true);
    expect(mayTransition("PENDING_CANCEL", "ACCEPTED", "ACCEPTED")).toBe(false);
    expect(mayTransition("PENDING_CANCEL", "PARTIALLY_FILLED", "FILL")).toBe(false);
  });

  it("refuses a move the table does not list, and a change of a closed order other than a late fill", () => {
    expect(() => assertTransition({ id: "o", status: "CANCELLED" }, { kind: "REJECTED", status: "REJECTED" })).toThrow(
      IllegalTransitionError,
    );
    expect(() => assertTransition({ id: "o", status: "CANCELLED" }, { kind: "ACCEPTED", status: "ACCEPTED" })).toThrow(
      /CANCELLED → ACCEPTED/,
    );
    expect(() => assertTransition({ id: "o", status: "EXPIRED" }, { kind: "ACCEPTED" })).toThrow(
      IllegalTransitionError,
    );
    expect(() => assertTransition({ id: "o", status: "CANCELLED" }, { kind: "LATE_FILL" })).not.toThrow();
    expect(() =>
      assertTransition({ id: "o", status: "REJECTED" }, { kind: "LATE_FILL", status: "FILLED" }),
    ).not.toThrow();
    expect(() => assertTransition({ id: "o", status: "ACCEPTED" }, { kind: "RETRY_SCHEDULED" })).not.toThrow();
  });
});
