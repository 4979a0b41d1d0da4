// What the e2e specs share: the environment run.sh sets, one WebDriver session on the real Herald
// window per spec file, the sandbox's admin API and the look-ups by test id. Not a test file:
// `node --test specs/` runs only `*.test.mjs`.
import { before, after } from "node:test";
import assert from "node:assert/strict";
import { remote } from "webdriverio";

export const out = process.env.HERALD_E2E_OUT;
export const sandbox = process.env.HERALD_SANDBOX_URL;
const app = process.env.HERALD_APP;
const adminToken = process.env.HERALD_SANDBOX_ADMIN_TOKEN;

/** The WebDriver session; set by `useApp()`'s before hook. */
export let browser;

/**
 * Opens the app through tauri-driver before the spec's tests and closes it after them; `args`
 * are Herald's command-line arguments for this launch.
 */
export function useApp(args = []) {
  before(async () => {
    browser = await remote({
      hostname: "127.0.0.1",
      port: Number(process.env.HERALD_E2E_DRIVER_PORT ?? 4444),
      logLevel: "warn",
      capabilities: {
        browserName: "wry",
        "wdio:enforceWebDriverClassic": true,
        "tauri:options": { application: app, args },
      },
    });
  });
  after(async () => {
    await browser?.deleteSession();
  });
}

/** The sandbox's admin API: the token run.sh gave it, and JSON bodies only. */
export async function admin(path, body, method = "POST") {
  const res = await fetch(`${sandbox}/__sandbox/${path}`, {
    method,
    headers: { "content-type": "application/json", authorization: `Bearer ${adminToken}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(res.ok, `sandbox admin ${path}: ${res.status}`);
  return res;
}

export const $t = (id) => browser.$(`[data-testid="${id}"]`);

/** The account cards of one network. */
export async function cardsOf(network) {
  const found = [];
  for (const card of await browser.$$('[data-testid="account-card"]')) {
    if (await card.$(`svg[data-network="${network}"]`).isExisting()) found.push(card);
  }
  return found;
}
