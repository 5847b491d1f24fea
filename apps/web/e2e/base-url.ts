// Where the suite reaches the web app: playwright.config.ts serves it there, and API helpers name it as their Origin
// (mutations from anywhere else are refused as cross-site).
export const E2E_PORT = process.env.E2E_PORT ?? "3100";
export const E2E_BASE_URL = `http://127.0.0.1:${E2E_PORT}`;
