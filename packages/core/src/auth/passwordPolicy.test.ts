import { describe, expect, it } from "vitest";
import { DomainError } from "../shared/errors";
import { assertPasswordPolicy, passwordProblem } from "./passwordPolicy";

describe("the password policy for new passwords", () => {
  it("refuses fewer than 12 characters, and says to use more", () => {
    expect(passwordProblem("short-pass1", "ops@bank.example")).toMatch(/^Use at least 12 characters/);
    expect(passwordProblem("twelve chars", "ops@bank.example")).toBeNull();
  });

  it("refuses a password containing the email's name, in any case", () => {
    expect(passwordProblem("Jane.Operator-2026!", "jane.operator@bank.example")).toMatch(/email's name/);
    expect(passwordProblem("my ops password is long", "OPS@bank.example")).toMatch(/email's name/);
  });

  it("refuses the most common passwords, in any case", () => {
    expect(passwordProblem("Password1234", "ops@bank.example")).toMatch(/most common/);
    expect(passwordProblem("123456789012", "ops@bank.example")).toMatch(/most common/);
  });

  it("accepts a long passphrase and throws a BAD_REQUEST about the password field otherwise", () => {
    expect(passwordProblem("violet kettle under the bridge", "ops@bank.example")).toBeNull();
    expect(() => assertPasswordPolicy("violet kettle under the bridge", "ops@bank.example")).not.toThrow();
    try {
      assertPasswordPolicy("short", "ops@bank.example");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ code: "BAD_REQUEST", field: "password" });
    }
  });
});
