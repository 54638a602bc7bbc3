import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser } from "playwright-core";
import { launchChromium, newBuyer, screenshot, signInOnEvent } from "./browser.ts";
import { admin, type E2EPlatform, startE2EPlatform } from "./platform.ts";

// Joining an event that asks for a proof of work (docs/spec.md, "Bot protection"), in headless
// Chromium against the whole platform: the page solves the challenge in a Web Worker, shows its
// progress, and lands in line; a buyer who leaves mid-solve stops the worker.

let platform: E2EPlatform;
let browser: Browser;
const pages: Awaited<ReturnType<typeof newBuyer>>[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  platform = await startE2EPlatform({ base: 32000 });
  // Admission paused: the buyer stays in line, where the place is shown.
  await platform.pauseQueue();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await platform?.stack.stop();
});

const setDifficulty = (difficulty: number) =>
  admin(platform.stack.urls.gateway, "PATCH", `/api/v1/admin/events/${platform.eventId}/queue`, {
    challenge_difficulty: difficulty,
  });

/**
 * A signed-in buyer on the event page whose every rendering of the challenge's progress is
 * recorded (a solve at difficulty 12 is over in milliseconds: too quick to catch by polling).
 */
async function signedIn(name: string) {
  const buyer = await newBuyer(browser, platform.webUrl);
  pages.push(buyer);
  await buyer.page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { progressSeen: string[] }).progressSeen = seen;
    new MutationObserver(() => {
      const text = document.querySelector('[data-testid="challenge-progress"]')?.textContent;
      if (text && seen.at(-1) !== text) seen.push(text);
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  await signInOnEvent(buyer.page, platform.eventId, name);
  return buyer;
}

function challengeTest(name: string, body: () => Promise<void>) {
  test(name, async () => {
    try {
      await body();
    } catch (error) {
      const page = pages.at(-1)?.page;
      if (page)
        await screenshot(page, `FAILED-${name.slice(0, 30).replace(/\W+/g, "-")}`).catch(() => undefined);
      throw error;
    }
  }, 60_000);
}

describe("the join challenge, in the browser", () => {
  challengeTest("a buyer sees the bot check's progress, then their place in line", async () => {
    await setDifficulty(12);
    const { page, crashes } = await signedIn("pat");
    const joins: Array<{ status: number; body: Record<string, unknown> }> = [];
    page.on("response", (res) => {
      if (!res.url().endsWith("/api/v1/queue/join")) return;
      joins.push({ status: res.status(), body: res.request().postDataJSON() });
    });
    await page.getByRole("button", { name: "Join queue" }).click();
    await page.getByTestId("queue-position").filter({ hasText: "You're number 1 in line" }).waitFor();
    await screenshot(page, "in-line-after-challenge");

    const seen = await page.evaluate(() => (window as unknown as { progressSeen: string[] }).progressSeen);
    expect(seen.length).toBeGreaterThan(0);
    for (const text of seen) expect(text).toMatch(/^Checking you're not a bot… \d{1,2} %$/);
    // Refused without a solution (428), then let in with one the page solved.
    expect(joins.map((j) => j.status)).toEqual([428, 202]);
    expect(joins[1]?.body).toMatchObject({ event_id: platform.eventId, solution: expect.any(String) });
    expect(String(joins[1]?.body.challenge)).toStartWith(`${platform.eventId}.12.`);
    expect(crashes).toEqual([]);
  });

  challengeTest("a buyer who leaves while the check runs stops it and takes no place", async () => {
    // ~67 M tries expected: a minute or more, so the buyer is still solving when they leave.
    await setDifficulty(26);
    const { page, crashes } = await signedIn("lee");
    const joins: number[] = [];
    page.on("response", (res) => {
      if (res.url().endsWith("/api/v1/queue/join")) joins.push(res.status());
    });
    const solver = page.waitForEvent("worker");
    await page.getByRole("button", { name: "Join queue" }).click();
    await page
      .getByTestId("challenge-progress")
      .filter({ hasText: /Checking you're not a bot… \d+ %/ })
      .waitFor();
    const worker = await solver;
    const stopped = new Promise<void>((resolve) => worker.on("close", () => resolve()));

    await page.getByRole("link", { name: "All events" }).click();
    await page.getByRole("heading", { name: "Upcoming events" }).waitFor();
    await stopped;
    expect(page.workers()).toHaveLength(0);
    // Only the refused join went out: nothing was solved, and no place was taken.
    expect(joins).toEqual([428]);
    expect(crashes).toEqual([]);
  });
});
