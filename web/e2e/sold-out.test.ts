import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser } from "playwright-core";
import { launchChromium, newBuyer, screenshot, signInOnEvent } from "./browser.ts";
import { asBuyer, type E2EPlatform, HOLD_SECONDS, holdThroughApi, startE2EPlatform } from "./platform.ts";

// "Sold out" as a buyer in line sees it, in headless Chromium against the whole platform: a
// two-seat event whose seats another buyer holds (through the API), then pays for.

const SEATS = ["A-1-1", "A-1-2"];
const PRICE = 50000;
let platform: E2EPlatform;
let browser: Browser;
const pages: Awaited<ReturnType<typeof newBuyer>>[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  platform = await startE2EPlatform({
    base: 23000,
    sections: [{ section_id: "A", name: "Floor", price: PRICE, rows: 1, seats_per_row: SEATS.length }],
    // Read the stock often, so the line hears of every hold within a tick or two.
    env: { QUEUE_STOCK_EVERY_MS: "200" },
  });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await platform?.stack.stop();
});

/** A buyer's page, signed in on the event page; on failure the last one is screenshotted. */
async function signedIn(name: string) {
  const buyer = await newBuyer(browser, platform.webUrl);
  pages.push(buyer);
  await signInOnEvent(buyer.page, platform.eventId, name);
  return buyer;
}

function saleTest(name: string, body: () => Promise<void>) {
  test(name, async () => {
    try {
      await body();
    } catch (error) {
      const page = pages.at(-1)?.page;
      if (page)
        await screenshot(page, `FAILED-${name.slice(0, 30).replace(/\W+/g, "-")}`).catch(() => undefined);
      throw error;
    }
  }, 40_000);
}

describe("sold out, in the browser", () => {
  saleTest(
    "a buyer in line is told the seats are held and may come back, then moves on when they do",
    async () => {
      const gateway = platform.stack.urls.gateway;
      await holdThroughApi(gateway, platform.eventId, "holder-1", SEATS);
      const heldAt = Date.now();
      // Admission paused, so that when the seats come back the buyer sees the line, not their turn.
      await platform.pauseQueue();
      const { page, crashes } = await signedIn("dana");
      await page.getByRole("button", { name: "Join queue" }).click();
      const notice = page.getByTestId("sold-out");
      await notice.waitFor();
      expect(await notice.textContent()).toContain(
        "Sold out — 2 seats are still held and may come back. You can stay in line or leave.",
      );
      await page.getByRole("button", { name: "Leave the queue" }).waitFor();
      await screenshot(page, "sold-out-notice");

      // The hold lapses unpaid: the seats come back, and with them the normal view of the line.
      await page
        .getByTestId("queue-position")
        .filter({ hasText: "You're number 1 in line" })
        .waitFor({ timeout: HOLD_SECONDS * 1000 + 10_000 });
      expect(Date.now() - heldAt).toBeGreaterThanOrEqual(HOLD_SECONDS * 1000 - 1000);
      expect(await notice.count()).toBe(0);
      await platform.resumeQueue();
      await page.getByRole("heading", { name: "It's your turn!" }).waitFor();
      expect(crashes).toEqual([]);
    },
  );

  saleTest("once every seat is sold the line closes, and the event page says so on join", async () => {
    const gateway = platform.stack.urls.gateway;
    const reservationId = await holdThroughApi(gateway, platform.eventId, "holder-2", SEATS);
    await platform.pauseQueue();
    const { page, crashes } = await signedIn("erin");
    await page.getByRole("button", { name: "Join queue" }).click();
    await page.getByTestId("sold-out").waitFor();

    await asBuyer(gateway, "holder-2")(
      "POST",
      "/api/v1/payments/intent",
      { reservation_id: reservationId, amount: PRICE * SEATS.length, currency: "KRW", scenario: "approve" },
      { "idempotency-key": crypto.randomUUID() },
    );
    await page.getByTestId("line-closed").waitFor();
    expect(await page.getByRole("heading", { name: "Sold out" }).count()).toBe(1);
    await screenshot(page, "line-closed");

    await page.getByRole("link", { name: "See other events" }).click();
    await page.goto(`/events/${platform.eventId}`);
    await page.getByRole("button", { name: "Join queue" }).click();
    await page.getByRole("alert").filter({ hasText: "this event is sold out" }).waitFor();
    await screenshot(page, "join-sold-out");
    expect(crashes).toEqual([]);
  });
});
