// Posts end to end in the real window: an X account connected in the demo, a post written in the
// composer and scheduled for the next minute, published by the scheduler to the sandbox, then
// found in the archive with its permalink; another post dragged to another day in the month view
// (a real pointer drag through WebDriver actions: WebKitGTK delivers it to the calendar).
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { $t, admin, browser, cardsOf, out, useApp } from "./lib.mjs";

// A check a second is plenty for these waits (the publish one lasts about a minute).
const slow = { interval: 1_000 };

/** The wall clock of `at` in `zone`, as the composer's date and time inputs take it. */
function inputsIn(at, zone) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", {
      timeZone: zone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

/** Date and time inputs have no typing WebDriver can rely on across locales: set them as a pick does. */
async function setInput(testId, value) {
  await browser.execute(
    (id, v) => {
      const el = document.querySelector(`[data-testid="${id}"]`);
      el.value = v;
      el.dispatchEvent(new Event("input", { bubbles: true }));
      el.dispatchEvent(new Event("change", { bubbles: true }));
    },
    testId,
    value,
  );
}

/** Opens the composer, writes `text` for the X account, sets the time, and schedules it. */
async function compose(text, at) {
  await (await $t("nav-posts")).click();
  await (await $t("open-composer")).click();
  const box = await $t("composer-text");
  await box.waitForDisplayed({ timeout: 10_000 });
  await box.setValue(text);
  await (await browser.$('[data-testid^="target-"][data-network="x"]')).click();
  const zone = await (await $t("composer-zone")).getAttribute("data-zone");
  const when = inputsIn(at, zone);
  await setInput("composer-date", when.date);
  await setInput("composer-time", when.time);
  await browser.waitUntil(async () => (await (await $t("save-state")).getAttribute("data-state")) === "saved", {
    timeout: 10_000,
    timeoutMsg: "the composer should autosave",
  });
  return { zone, when };
}

async function scheduleAndClose() {
  await (await $t("composer-schedule")).click();
  await (await $t("composer-dialog")).waitForDisplayed({ reverse: true, timeout: 10_000, ...slow });
}

async function entryWith(text) {
  for (const entry of await browser.$$('[data-testid="calendar-entry"]')) {
    if ((await entry.getAttribute("aria-label")).includes(text)) return entry;
  }
  return null;
}

useApp();

test("connect an X account for the posts (unless an earlier spec did)", async () => {
  await (await $t("accounts-grid")).waitForDisplayed({ timeout: 30_000 });
  if ((await cardsOf("x")).length > 0) return;
  await admin("auto-consent", { choose: { accounts: null, declined_scopes: [] } });
  await (await $t("connect-button")).click();
  const x = await $t("network-x");
  await x.waitForDisplayed({ timeout: 10_000 });
  await x.click();
  const picker = await $t("candidate-list");
  await browser.waitUntil(async () => await picker.isDisplayed(), { timeout: 30_000, ...slow, timeoutMsg: "the X picker" });
  await (await $t("connect-selected")).click();
  await browser.waitUntil(async () => (await cardsOf("x")).length === 1, {
    timeout: 15_000,
    ...slow,
    timeoutMsg: "an X card should appear",
  });
});

test("a post scheduled for the next minute is published and listed in the archive with its permalink", async () => {
  const tweetsBefore = (await (await admin("hits", undefined, "GET")).json()).x_tweets ?? 0;
  // The composer takes whole minutes: the next one at least 20 s away.
  const at = new Date(Math.ceil((Date.now() + 20_000) / 60_000) * 60_000);
  const text = `Fresh focaccia out of the oven at ${at.getUTCMinutes()} past — come early! #bakery`;
  await compose(text, at);
  await browser.saveScreenshot(join(out, "20-composer.png"));
  await scheduleAndClose();

  const entry = await entryWith(text);
  assert.ok(entry, "the scheduled post is in the calendar");
  assert.equal(await entry.getAttribute("data-state"), "scheduled");
  await entry.scrollIntoView();
  await browser.saveScreenshot(join(out, "21-calendar-scheduled.png"));

  await (await $t("nav-archive")).click();
  const list = await $t("archive-list");
  const item = () => browser.$(`//li[@data-testid="archive-item"][.//p[contains(., "${text}")]]`);
  await browser.waitUntil(
    async () => (await (await item()).isExisting()) && (await (await item()).getAttribute("data-state")) === "published",
    { timeout: 150_000, ...slow, timeoutMsg: "the post should be published within a minute or so of its time" },
  );
  assert.ok(await list.isDisplayed());
  const link = await (await item()).$('[data-testid="permalink"]');
  assert.match(await link.getAttribute("href"), /^https:\/\/x\.com\/.+\/status\/\d+$/);
  assert.match(await (await item()).getText(), /Published/);
  await browser.saveScreenshot(join(out, "22-archive-published.png"));
  const tweetsAfter = (await (await admin("hits", undefined, "GET")).json()).x_tweets ?? 0;
  assert.equal(tweetsAfter - tweetsBefore, 1, "the sandbox received the post exactly once");
});

test("dragging an entry to another day in the month view reschedules it", async () => {
  const day = 86_400_000;
  // Tomorrow noon, moved to the day after: both are in the month grid (it shows six weeks).
  const noon = new Date(Date.now() + day);
  const text = `Sourdough class next week ${Date.now()}`;
  const { zone, when } = await compose(text, noon);
  await setInput("composer-time", "12:00");
  await browser.pause(500);
  await scheduleAndClose();
  await (await $t("view-month")).click();

  await browser.waitUntil(async () => (await entryWith(text)) !== null, { timeout: 10_000, ...slow, timeoutMsg: "the post is in the month view" });
  const [y, m, d] = when.date.split("-").map(Number);
  const next = new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
  // Where the entry and the next day's cell are in the viewport (pointer actions' coordinates;
  // WebDriver's element rects are relative to the document, which is scrolled here).
  const boxes = await browser.execute(
    (label, day) => {
      const entry = [...document.querySelectorAll('[data-testid="calendar-entry"]')].find((e) =>
        e.getAttribute("aria-label").includes(label),
      );
      const cell = document.querySelector(`time[datetime="${day}"]`)?.closest(".ec-day");
      if (!entry || !cell) return null;
      cell.scrollIntoView({ block: "center" });
      const r = (el) => {
        const b = el.getBoundingClientRect();
        return { x: b.x, y: b.y, width: b.width, height: b.height };
      };
      return { entry: r(entry), cell: r(cell) };
    },
    text,
    next,
  );
  assert.ok(boxes, `the entry and the cell of ${next} are in the month grid`);
  const labelBefore = await (await entryWith(text)).getAttribute("aria-label");
  const px = (v) => Math.round(v);
  const from = { x: px(boxes.entry.x + 10), y: px(boxes.entry.y + boxes.entry.height / 2) };
  const to = { x: px(boxes.cell.x + boxes.cell.width / 2), y: px(boxes.cell.y + boxes.cell.height * 0.75) };
  await browser.performActions([
    {
      type: "pointer",
      id: "mouse",
      parameters: { pointerType: "mouse" },
      actions: [
        { type: "pointerMove", duration: 0, origin: "viewport", ...from },
        { type: "pointerDown", button: 0 },
        { type: "pause", duration: 200 },
        { type: "pointerMove", duration: 300, origin: "viewport", x: from.x + 20, y: from.y + 5 },
        { type: "pointerMove", duration: 500, origin: "viewport", ...to },
        { type: "pause", duration: 200 },
        { type: "pointerUp", button: 0 },
      ],
    },
  ]);
  await browser.releaseActions();
  await browser.saveScreenshot(join(out, "23-calendar-dragged.png"));

  // The calendar reloads from the core after the move; the composer then loads the post from it.
  await browser.waitUntil(
    async () => {
      const entry = await entryWith(text);
      return entry !== null && (await entry.getAttribute("aria-label")) !== labelBefore;
    },
    { timeout: 10_000, ...slow, timeoutMsg: "the entry should move" },
  );
  await (await entryWith(text)).click();
  const date = await $t("composer-date");
  await date.waitForDisplayed({ timeout: 10_000 });
  await browser.waitUntil(async () => (await date.getValue()) === next, {
    timeout: 10_000,
    ...slow,
    timeoutMsg: `the post should now be due on ${next} (${zone})`,
  });
  assert.equal(await (await $t("composer-time")).getValue(), "12:00");
  await browser.keys("Escape");
});
