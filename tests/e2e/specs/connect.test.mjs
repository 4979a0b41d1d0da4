// The first connection, end to end, in the real Herald window: empty state → Connect → Google
// Business Profile → consent (approved by the test through the sandbox) → two location cards →
// Disconnect one → one card left. Screenshots land in $HERALD_E2E_OUT.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { $t, admin, browser, cardsOf, out, sandbox, useApp } from "./lib.mjs";

// The demo also lists a sample WeChat link (deprecated network); these tests count Google's cards.
const cards = () => cardsOf("google_business");

useApp();

test("connect two Google locations, then disconnect one", async () => {
  await admin("auto-consent", { approve: { locations: null } });

  // Only the demo's deprecated WeChat link is listed before the first connection.
  const grid = await $t("accounts-grid");
  await grid.waitForDisplayed({ timeout: 30_000 });
  assert.equal((await cards()).length, 0);
  await browser.saveScreenshot(join(out, "01-before-connecting.png"));

  await (await $t("connect-button")).click();
  const google = await $t("network-google_business");
  await google.waitForDisplayed({ timeout: 10_000 });
  await browser.saveScreenshot(join(out, "02-connect-popup.png"));
  await google.click();

  const candidates = await $t("candidate-list");
  await candidates.waitForDisplayed({ timeout: 30_000 });
  await browser.saveScreenshot(join(out, "03-pick-locations.png"));
  await (await $t("connect-selected")).click();

  await browser.waitUntil(async () => (await cards()).length === 2, {
    timeout: 15_000,
    timeoutMsg: "two account cards should appear",
  });
  const all = await cards();
  let text = "";
  for (const card of all) text += `${await card.getText()}\n`;
  assert.match(text, /Forno Rossi — Centro/);
  assert.match(text, /Forno Rossi — Stazione/);
  for (const card of all) {
    const badge = await card.$('[data-testid="status-badge"]');
    assert.match(await badge.getText(), /\bConnected$/);
    assert.equal(await badge.getAttribute("data-status"), "connected");
  }
  await browser.saveScreenshot(join(out, "04-two-cards.png"));

  await (await all[0].$('[data-testid="card-menu"]')).click();
  await (await $t("menu-disconnect")).click();
  const confirm = await $t("confirm-disconnect");
  await confirm.waitForDisplayed({ timeout: 5_000 });
  await confirm.click();

  await browser.waitUntil(async () => (await cards()).length === 1, {
    timeout: 15_000,
    timeoutMsg: "one card should be left after disconnecting",
  });
  await browser.saveScreenshot(join(out, "05-one-card-left.png"));

  // The system browser was asked to open the sandbox's authorize endpoint, and nothing else.
  const opened = readFileSync(join(out, "opened-urls.txt"), "utf8").trim().split("\n");
  assert.equal(opened.length, 1);
  assert.ok(opened[0].startsWith(`${sandbox}/google/o/oauth2/v2/auth?`), opened[0]);
});

test("Settings exports the account list to Documents, without any secret", async () => {
  await (await $t("nav-settings")).click();
  const exportButton = await $t("export-button");
  await exportButton.waitForDisplayed({ timeout: 10_000 });
  await exportButton.click();
  const result = await $t("export-result");
  await result.waitForDisplayed({ timeout: 10_000 });
  await result.scrollIntoView();
  await browser.saveScreenshot(join(out, "06-settings-export.png"));

  const docs = process.env.HERALD_E2E_DOCUMENTS;
  const files = readdirSync(docs).filter((f) => f.endsWith(".json"));
  assert.equal(files.length, 1, `one export in ${docs}`);
  assert.ok((await result.getText()).includes(files[0]), "the notice names the file");
  const text = readFileSync(join(docs, files[0]), "utf8");
  const exported = JSON.parse(text);
  assert.equal(exported.format, "herald-export");
  const networks = exported.accounts.map((a) => a.network).sort();
  assert.deepEqual(networks, ["google_business", "wechat"], "the card left after the disconnect, and the WeChat link");
  const secrets = await (await admin("secrets", undefined, "GET")).json();
  for (const secret of [...secrets, "sandbox-google-secret"]) {
    assert.equal(text.indexOf(secret), -1, "no secret in the export");
  }
});

test("in this demo (fixed by HERALD_DEMO) Settings offers no form that would save real credentials", async () => {
  const forced = await $t("mode-forced");
  await forced.waitForDisplayed({ timeout: 10_000 });
  assert.ok((await forced.getText()).includes("HERALD_DEMO"));
  assert.equal(await (await $t("credentials-google_business")).isExisting(), false);
  assert.equal(await (await $t("use-live")).isExisting(), false);
});

test("the sandbox's admin API refuses requests without its token", async () => {
  const res = await fetch(`${sandbox}/__sandbox/secrets`);
  assert.equal(res.status, 401);
});

test("no token the sandbox issued is in Herald's data directory", async () => {
  const secrets = await (await admin("secrets", undefined, "GET")).json();
  assert.ok(secrets.length >= 3, "the connect issued a code and tokens");
  const files = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.push(path);
    }
  };
  walk(process.env.HERALD_DATA_DIR);
  assert.ok(files.some((f) => f.endsWith("herald.db")), "the app wrote its database");
  for (const file of files) {
    const bytes = readFileSync(file);
    for (const secret of secrets) {
      assert.equal(bytes.indexOf(secret), -1, `a token leaked into ${file}`);
    }
  }
});
