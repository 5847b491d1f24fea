// scripts/create-operator.ts, through the function the command runs, against a real database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOperatorCommand } from "../../../../scripts/create-operator";
import { createHarness, type Harness } from "../../test/harness";
import { closeLoginThrottle } from "./loginThrottle";
import { verifyPassword } from "./passwords";

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await closeLoginThrottle(h.services);
  await h.close();
});

const GOOD = "violet kettle under the bridge";
const run = (args: string[], password?: string, askPassword?: (question: string) => Promise<string>) =>
  createOperatorCommand({ args, prisma: h.services.prisma, env: { OPERATOR_PASSWORD: password }, askPassword });

describe("npm run create-operator", () => {
  it("refuses a weak password with what to do, and creates nothing", async () => {
    const args = ["--email", "jane.ops@bank.example", "--name", "Jane Ops"];
    await expect(run(args, "short")).rejects.toThrow(/Use at least 12 characters/);
    await expect(run(args, "jane.ops-is-my-password")).rejects.toThrow(/email's name/);
    await expect(run(args, "password1234")).rejects.toThrow(/most common/);
    expect(await h.services.prisma.user.count({ where: { email: "jane.ops@bank.example" } })).toBe(0);
  });

  it("refuses an email that is taken, whatever its case", async () => {
    await expect(run(["--email", "OPS@demo.meridian", "--name", "Again"], GOOD)).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(/exists already/),
    });
  });

  it("creates an operator with a scrypt hash, who can then sign in to the console", async () => {
    const user = await run(["--email", "Lee.Ops@Bank.Example", "--name", "Lee Ops"], GOOD);
    expect(user).toMatchObject({ email: "lee.ops@bank.example", name: "Lee Ops", role: "OPERATOR" });
    expect(user.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(await verifyPassword(GOOD, user.passwordHash)).toBe(true);
    const caller = await h.caller(null);
    await expect(caller.auth.login({ email: "lee.ops@bank.example", password: GOOD })).resolves.toEqual({
      role: "OPERATOR",
    });
  });

  it("asks for the password twice when OPERATOR_PASSWORD is unset, and refuses two that differ", async () => {
    const answers = [GOOD, "something else entirely"];
    await expect(
      run(["--email", "kim.ops@bank.example", "--name", "Kim Ops"], undefined, async () => answers.shift()!),
    ).rejects.toThrow(/passwords differ/);
    const asked: string[] = [];
    const user = await run(["--email", "kim.ops@bank.example", "--name", "Kim Ops"], undefined, async (question) => {
      asked.push(question);
      return GOOD;
    });
    expect(asked).toHaveLength(2);
    expect(user.role).toBe("OPERATOR");
  });

  it("says how to call it when --email or --name is missing", async () => {
    await expect(run(["--email", "x@bank.example"], GOOD)).rejects.toThrow(/Usage: npm run create-operator/);
  });
});
