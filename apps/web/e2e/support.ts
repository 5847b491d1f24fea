import { expect, type APIRequest, type APIRequestContext, type Page } from "@playwright/test";
import { NO_FAULTS, type BrokerFaults } from "@meridian/core/client";
import { E2E_BASE_URL } from "./base-url";

export const DEMO_PASSWORD = "meridian-demo";
export const ALICE = { email: "alice@demo.meridian", accountNo: "M-100-0001" };
export const BOB = { email: "bob@demo.meridian", accountNo: "M-100-0002" };
export const CHLOE = { email: "chloe@demo.meridian", accountNo: "M-100-0003" };
export const OPERATOR = { email: "ops@demo.meridian" };

/**
 * Signs `page` in through the login form. An operator then confirms the password (step-up) for the session, as the
 * console's dialog would at the first action that needs it, so specs about something else act without the dialog;
 * `stepUp: false` leaves it to the dialog.
 */
export async function signIn(
  page: Page,
  email: string,
  expectedPath: string | RegExp,
  options: { stepUp?: boolean } = {},
) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(expectedPath);
  if (email === OPERATOR.email && options.stepUp !== false) await stepUp(page.request);
}

/** Confirms the operator's password for the session `request` carries (page.request shares the page's cookie). */
export async function stepUp(request: APIRequestContext, password = DEMO_PASSWORD) {
  const confirmed = await trpcMutation(request, "auth.stepUp", { password });
  expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
}

/** Answers the console's password dialog when an action asks for it. */
export async function answerStepUp(page: Page, password = DEMO_PASSWORD) {
  const dialog = page.getByRole("dialog", { name: "Confirm your password" });
  await expect(dialog).toBeVisible();
  await dialog.getByLabel("Your password").fill(password);
  await dialog.getByRole("button", { name: "Confirm" }).click();
  return dialog;
}

/** "25,000.00" → 2500000n cents: money compared exactly, never as floats. */
export function cents(text: string | null): bigint {
  const cleaned = (text ?? "").replace(/[$,\s]/g, "");
  if (!/^-?\d+\.\d{2}$/.test(cleaned)) throw new Error(`not a money amount: ${JSON.stringify(text)}`);
  return BigInt(cleaned.replace(".", ""));
}

type TrpcResult<T> = {
  result?: { data: T };
  error?: {
    message: string;
    data?: { code?: string; httpStatus?: number; stepUpRequired?: boolean; sessionEnded?: string | null };
  };
};

/** A mutation as the app's own pages send it: same Origin (any other is refused as cross-site). */
export async function trpcMutation<T>(
  request: APIRequestContext,
  path: string,
  input: unknown,
  options: { origin?: string } = {},
) {
  const response = await request.post(`/api/trpc/${path}`, {
    data: input,
    headers: { origin: options.origin ?? E2E_BASE_URL },
  });
  return { status: response.status(), body: (await response.json()) as TrpcResult<T> };
}

export async function trpcQuery<T>(request: APIRequestContext, path: string, input?: unknown) {
  const query = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  const response = await request.get(`/api/trpc/${path}${query}`);
  return { status: response.status(), body: (await response.json()) as TrpcResult<T> };
}

/** Signs `request` in: its cookie jar then carries the session, as a browser's would. An operator's is stepped up. */
export async function apiSignIn(request: APIRequestContext, email: string) {
  const { status, body } = await trpcMutation<{ role: string }>(request, "auth.login", {
    email,
    password: DEMO_PASSWORD,
  });
  expect(status, JSON.stringify(body)).toBe(200);
  if (body.result?.data.role === "OPERATOR") await stepUp(request);
}

type Order = { id: string; status: string; filledQuantity: string };

/** Places a market order over the API and waits for it to fill: setup for tests that are about something else. */
export async function placeFilledMarketOrder(
  request: APIRequestContext,
  input: { symbol: string; side: "BUY" | "SELL"; quantity: string },
) {
  const placed = await trpcMutation<Order>(request, "orders.place", {
    ...input,
    type: "MARKET",
    idempotencyKey: crypto.randomUUID(),
  });
  expect(placed.status, JSON.stringify(placed.body)).toBe(200);
  const orderId = placed.body.result!.data.id;
  await expect
    .poll(async () => (await trpcQuery<Order>(request, "orders.byId", { orderId })).body.result?.data.status, {
      timeout: 60_000,
      message: `order ${orderId} should fill`,
    })
    .toBe("FILLED");
  return orderId;
}

/** A separate API session signed in as `email`, for setup and clean-up beside the page under test. Dispose it after. */
export async function apiSession(playwright: { request: APIRequest }, baseURL: string | undefined, email: string) {
  const request = await playwright.request.newContext({ baseURL });
  await apiSignIn(request, email);
  return request;
}

export type BrokerOverview = {
  brokerId: string;
  symbols: string[];
  isDefault: boolean;
  faults: BrokerFaults | null;
};

/** The console's broker cards over the API; `operator` must be an operator's session. */
export async function brokerOverview(operator: APIRequestContext): Promise<BrokerOverview[]> {
  const overview = await trpcQuery<BrokerOverview[]>(operator, "admin.brokers.overview");
  expect(overview.status, JSON.stringify(overview.body)).toBe(200);
  return overview.body.result!.data;
}

/** Every broker's simulator faults back to none, so a spec that changed them leaves the next one undisturbed. */
export async function clearBrokerFaults(operator: APIRequestContext) {
  for (const { brokerId } of await brokerOverview(operator)) {
    const cleared = await trpcMutation(operator, "admin.brokers.setFaults", {
      brokerId,
      faults: NO_FAULTS,
      reason: "e2e: leave the simulator without faults",
    });
    expect(cleared.status, JSON.stringify(cleared.body)).toBe(200);
  }
}
