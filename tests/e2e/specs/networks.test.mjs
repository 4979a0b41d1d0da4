// Every network's demo set-up in the real window: Settings shows the sandbox's values read-only
// and Check passes; the deprecated WeChat link says why it cannot be reconnected; a Facebook Page
// connects through the relay page (run by the fake browser) and an X account on its fixed port.
// The two connects need the Facebook and X connectors: until they are in this build the sign-in
// ends with network_not_supported and those tests skip, saying so.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { $t, admin, browser, cardsOf, out, sandbox, useApp } from "./lib.mjs";

const xPort = process.env.HERALD_SANDBOX_X_PORT;

function opened() {
  const file = join(out, "opened-urls.txt");
  return existsSync(file) ? readFileSync(file, "utf8").trim().split("\n") : [];
}

/** Connect → network → the picker, or the error that ended the sign-in (returned). */
async function startConnect(network) {
  await (await $t("nav-social")).click();
  await (await $t("connect-button")).click();
  const button = await $t(`network-${network}`);
  await button.waitForDisplayed({ timeout: 10_000 });
  await button.click();
  const picker = await $t("candidate-list");
  const alert = await $t("error-alert");
  await browser.waitUntil(async () => (await picker.isDisplayed()) || (await alert.isDisplayed()), {
    timeout: 30_000,
    timeoutMsg: `${network}: neither the picker nor an error appeared`,
  });
  return (await alert.isDisplayed()) ? await alert.getAttribute("data-code") : null;
}

async function closeDialog() {
  await browser.keys("Escape");
  await (await $t("connect-dialog")).waitForDisplayed({ reverse: true, timeout: 5_000 });
}

useApp();

test("Settings shows each network's sandbox set-up read-only, and Check passes", async () => {
  await (await $t("nav-settings")).click();
  const x = await $t("demo-setup-x");
  await x.waitForDisplayed({ timeout: 30_000 });
  assert.equal(await (await x.$('[data-testid="setup-port"]')).getText(), xPort);
  assert.equal(await (await x.$('[data-testid="setup-redirect"]')).getText(), `http://127.0.0.1:${xPort}/callback`);
  const facebook = await $t("demo-setup-facebook");
  assert.equal(await (await facebook.$('[data-testid="setup-redirect"]')).getText(), `${sandbox}/relay`);
  assert.equal(await facebook.$("input").isExisting(), false, "read-only in the demo");
  for (const network of ["google_business", "facebook", "instagram", "linkedin", "x"]) {
    const box = await $t(`demo-setup-${network}`);
    await box.scrollIntoView();
    await (await box.$('[data-testid="setup-check"]')).click();
    const result = await box.$('[data-testid="setup-check-result"]');
    await result.waitForDisplayed({ timeout: 10_000 });
    assert.equal(await result.getAttribute("data-ok"), "true", `${network}: ${await result.getText()}`);
  }
  await (await $t("demo-setup-facebook")).scrollIntoView();
  await browser.saveScreenshot(join(out, "10-settings-network-setup.png"));
});

test("the demo's WeChat link can only be disconnected, and says why", async () => {
  await (await $t("nav-social")).click();
  await (await $t("accounts-grid")).waitForDisplayed({ timeout: 10_000 });
  const [wechat] = await cardsOf("wechat");
  assert.ok(wechat, "the sample WeChat link is listed");
  assert.match(await (await wechat.$('[data-testid="deprecated-note"]')).getText(), /WeChat is deprecated/);
  await (await wechat.$('[data-testid="card-menu"]')).click();
  const unavailable = await $t("menu-reconnect-unavailable");
  await unavailable.waitForDisplayed({ timeout: 5_000 });
  assert.match(await unavailable.getText(), /no longer accepts new links/);
  assert.equal(await (await $t("menu-disconnect")).isDisplayed(), true);
  await browser.saveScreenshot(join(out, "11-wechat-menu.png"));
  await browser.keys("Escape");

  // The popup lists every network: Facebook's note, TikTok coming soon, WeChat deprecated.
  await (await $t("connect-button")).click();
  await (await $t("facebook-note")).waitForDisplayed({ timeout: 10_000 });
  assert.match(await (await $t("facebook-note")).getText(), /Business Pages only, never personal profiles/);
  assert.equal(await (await $t("network-tiktok")).getAttribute("data-availability"), "coming_soon");
  assert.equal(await (await $t("network-wechat")).getAttribute("data-availability"), "deprecated");
  await browser.saveScreenshot(join(out, "12-connect-popup-all-networks.png"));
  await closeDialog();
});

test("connect a Facebook Page through the relay page", async (t) => {
  await admin("auto-consent", { choose: { accounts: null, declined_scopes: [] } });
  const before = opened().length;
  const code = await startConnect("facebook");
  const urls = opened().slice(before);
  assert.equal(urls.length, 1);
  assert.ok(urls[0].startsWith(`${sandbox}/facebook/`), urls[0]);
  assert.equal(new URL(urls[0]).searchParams.get("redirect_uri"), `${sandbox}/relay`);
  const hops = existsSync(join(out, "relay-hops.txt")) ? readFileSync(join(out, "relay-hops.txt"), "utf8") : "";
  assert.match(hops, /relay .*\/relay -> http:\/\/127\.0\.0\.1:\d+\/callback/, "the relay page forwarded to Herald");
  if (code === "network_not_supported") {
    await browser.saveScreenshot(join(out, "13-facebook-not-yet.png"));
    await closeDialog();
    t.skip("the Facebook connector is not in this build yet (the sign-in ended with network_not_supported)");
    return;
  }
  assert.equal(code, null, `the Facebook sign-in failed with ${code}`);
  const list = await $t("candidate-list");
  assert.match(await list.getText(), /Page/);
  await browser.saveScreenshot(join(out, "13-facebook-pick-pages.png"));
  await (await $t("connect-selected")).click();
  await browser.waitUntil(async () => (await cardsOf("facebook")).length >= 1, {
    timeout: 15_000,
    timeoutMsg: "a Facebook Page card should appear",
  });
  await browser.saveScreenshot(join(out, "14-facebook-cards.png"));
});

test("connect an X account on its fixed port", async (t) => {
  await admin("auto-consent", { choose: { accounts: null, declined_scopes: [] } });
  const before = opened().length;
  const code = await startConnect("x");
  const urls = opened().slice(before);
  assert.equal(urls.length, 1);
  assert.equal(new URL(urls[0]).searchParams.get("redirect_uri"), `http://127.0.0.1:${xPort}/callback`);
  if (code === "network_not_supported") {
    await browser.saveScreenshot(join(out, "15-x-not-yet.png"));
    await closeDialog();
    t.skip("the X connector is not in this build yet (the sign-in ended with network_not_supported)");
    return;
  }
  assert.equal(code, null, `the X sign-in failed with ${code}`);
  await browser.saveScreenshot(join(out, "15-x-pick-profile.png"));
  await (await $t("connect-selected")).click();
  await browser.waitUntil(async () => (await cardsOf("x")).length === 1, {
    timeout: 15_000,
    timeoutMsg: "an X card should appear",
  });
  await browser.saveScreenshot(join(out, "16-x-card.png"));
});
