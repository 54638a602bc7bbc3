import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser } from "playwright-core";
import { launchChromium, newBuyer, screenshot, signInOnEvent } from "./browser.ts";
import { type E2EPlatform, startE2EPlatform } from "./platform.ts";

// A scheduled sale as a buyer sees it, in headless Chromium against the whole platform: the event
// page counts down to the opening, a buyer who joins early waits without a place with the same
// countdown, and their turn comes at the opening, with no operator touching the line.

const OPENS_IN_MS = 25_000;
let platform: E2EPlatform;
let browser: Browser;
let page: Awaited<ReturnType<typeof newBuyer>>["page"] | undefined;

beforeAll(async () => {
  browser = await launchChromium();
  platform = await startE2EPlatform({ base: 31000, saleOpensInMs: OPENS_IN_MS });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await platform?.stack.stop();
});

describe("a scheduled sale, in the browser", () => {
  test("the event page counts down to the opening; a buyer who joined early gets their turn at it", async () => {
    try {
      const buyer = await newBuyer(browser, platform.webUrl);
      page = buyer.page;
      await signInOnEvent(page, platform.eventId, "early-erin");
      expect(Date.now()).toBeLessThan(platform.saleOpensAt - 3000);
      const status = page.getByTestId("sale-status");
      expect(await status.getAttribute("data-sale")).toBe("upcoming");
      const clock = page.getByTestId("sale-countdown");
      const first = await clock.textContent();
      await page.waitForFunction(
        (before) => document.querySelector("[data-testid=sale-countdown]")?.textContent !== before,
        first,
      );
      await screenshot(page, "scheduled-sale-countdown");

      await page.getByRole("button", { name: "Join queue" }).click();
      await page.getByTestId("queue-position").filter({ hasText: "The sale hasn't opened yet" }).waitFor();
      const left = await page.getByTestId("sale-countdown").textContent();
      // m:ss, within a couple of seconds of the real time to the opening.
      const [m, s] = (left ?? "").split(":").map(Number);
      const shown = ((m ?? 0) * 60 + (s ?? 0)) * 1000;
      expect(Math.abs(shown - (platform.saleOpensAt - Date.now()))).toBeLessThan(2500);

      await page.getByRole("heading", { name: "It's your turn!" }).waitFor({ timeout: OPENS_IN_MS + 10_000 });
      expect(Date.now()).toBeGreaterThanOrEqual(platform.saleOpensAt);
      expect(buyer.crashes).toEqual([]);
    } catch (error) {
      if (page) await screenshot(page, "FAILED-scheduled-sale").catch(() => undefined);
      throw error;
    }
  }, 60_000);
});
