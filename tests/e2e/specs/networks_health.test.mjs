// Connection health in the real window. This launch checks each connection every 2 s
// (`--demo-check-every=2`, demo only) instead of every 6 h, so the health task's own periodic
// check notices a revoke in seconds: the X card connected by networks.test.mjs turns amber with
// no reload and no click, the other cards stay green, Reconnect makes it green again, and
// "Check connections" says every connection works.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { $t, admin, browser, cardsOf, out, useApp } from "./lib.mjs";

useApp(["--demo-check-every=2"]);

const statusOf = async (card) => (await card.$('[data-testid="status-badge"]')).getAttribute("data-status");

async function onlyX() {
  const cards = await cardsOf("x");
  assert.equal(cards.length, 1, "networks.test.mjs connected one X account");
  return cards[0];
}

test("the X card turns amber live when X revokes the sign-in; Reconnect turns it green", async () => {
  const grid = await $t("accounts-grid");
  await grid.waitForDisplayed({ timeout: 30_000 });
  const others = [...(await cardsOf("facebook")), ...(await cardsOf("google_business"))];
  assert.ok(others.length >= 2, "Facebook and Google cards from the earlier specs");
  assert.equal(await statusOf(await onlyX()), "connected");
  for (const card of others) assert.equal(await statusOf(card), "connected");

  // A page reload would drop this mark; the change must arrive as an event.
  await browser.execute(() => {
    window.heraldNoReload = true;
  });
  await admin("revoke", { network: "x" });
  await browser.waitUntil(async () => (await statusOf(await onlyX())) === "needs_reconnect", {
    timeout: 20_000,
    interval: 200,
    timeoutMsg: "the X card should turn amber within a few checks",
  });
  assert.equal(await browser.execute(() => window.heraldNoReload === true), true, "no reload happened");
  const x = await onlyX();
  assert.match(await x.getText(), /Needs reconnect/);
  assert.match(await x.getText(), /since/i, "the card says since when");
  for (const card of others) assert.equal(await statusOf(card), "connected", "only X was revoked");
  await browser.saveScreenshot(join(out, "20-x-needs-reconnect.png"));

  await admin("auto-consent", { choose: { accounts: null, declined_scopes: [] } });
  await (await x.$('[data-testid="card-menu"]')).click();
  await (await $t("menu-reconnect")).click();
  await browser.waitUntil(async () => (await statusOf(await onlyX())) === "connected", {
    timeout: 30_000,
    timeoutMsg: "Reconnect should turn the X card green",
  });
  await (await $t("connect-dialog")).waitForDisplayed({ reverse: true, timeout: 10_000 });
  await browser.saveScreenshot(join(out, "21-x-reconnected.png"));
});

test("Check connections checks every connection and says they all work", async () => {
  const button = await $t("check-now");
  await button.waitForClickable({ timeout: 10_000 });
  await button.click();
  const notice = await $t("notice");
  await notice.waitForDisplayed({ timeout: 30_000 });
  assert.match(await notice.getText(), /^Checked just now: every connection works\./);
  assert.equal(await statusOf(await onlyX()), "connected");
  await browser.saveScreenshot(join(out, "22-checked.png"));
});
