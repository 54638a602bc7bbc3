import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { launchChromium, newBuyer, screenshot, signInOnEvent } from "./browser.ts";
import { type E2EPlatform, holdThroughApi, startE2EPlatform } from "./platform.ts";

// The seat map as a buyer uses it, in headless Chromium against the whole platform: sections
// around the stage with their prices, a seat someone else takes turning unavailable while the
// buyer looks, and picking seats with the keyboard alone.

let platform: E2EPlatform;
let browser: Browser;
let page: Page | undefined;

beforeAll(async () => {
  browser = await launchChromium();
  platform = await startE2EPlatform({
    base: 26000,
    sections: [
      { section_id: "B", name: "Balcony", price: 90000, rows: 2, seats_per_row: 10 },
      { section_id: "A", name: "Floor", price: 150000, rows: 2, seats_per_row: 10 },
    ],
  });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await platform?.stack.stop();
});

function mapTest(name: string, body: () => Promise<void>) {
  test(name, async () => {
    try {
      await body();
    } catch (error) {
      if (page)
        await screenshot(page, `FAILED-${name.slice(0, 30).replace(/\W+/g, "-")}`).catch(() => undefined);
      throw error;
    }
  }, 40_000);
}

const seat = (id: string) => page?.locator(`[data-seat="${id}"]`);

describe("the seat map", () => {
  mapTest(
    "sections sit around the stage with their prices; a seat taken by someone else turns unavailable",
    async () => {
      const buyer = await newBuyer(browser, platform.webUrl);
      page = buyer.page;
      await signInOnEvent(page, platform.eventId, "fay");
      await page.getByRole("button", { name: "Join queue" }).click();
      await page.getByRole("button", { name: "Enter and choose seats" }).click();
      await page.getByRole("heading", { name: "Choose your seats" }).waitFor();

      // The dearer Floor faces the stage; the Balcony beside it. Prices and seats left at a glance.
      const floor = page.locator('[data-section="A"]');
      await expect(floor.evaluate((el) => getComputedStyle(el).gridRowStart)).resolves.toBe("2");
      await expect(
        page.locator('[data-section="B"]').evaluate((el) => getComputedStyle(el).gridRowStart),
      ).resolves.toBe("1");
      await expect(floor.textContent()).resolves.toMatch(/150,000.*20 left/);

      await page.getByRole("radio", { name: /Floor/ }).check();
      await seat("A-1-3")?.and(page.locator('[data-status="AVAILABLE"]')).waitFor();
      await holdThroughApi(platform.stack.urls.gateway, platform.eventId, "other-buyer", ["A-1-3"]);
      // The buyer did nothing: the map's own refresh shows the seat taken, in words as well.
      await seat("A-1-3")?.and(page.locator('[data-status="HELD"]')).waitFor({ timeout: 8000 });
      await expect(seat("A-1-3")?.getAttribute("aria-label")).resolves.toBe("Row 1, seat 3, on hold");
      await expect(floor.textContent()).resolves.toMatch(/19 left/);
      await screenshot(page, "seat-map-taken-while-looking");
      expect(buyer.crashes).toEqual([]);
    },
  );

  mapTest("arrow keys move between seats and Enter picks one; a taken seat cannot be picked", async () => {
    if (!page) throw new Error("the first test opened no page");
    await seat("A-1-1")?.focus();
    await page.keyboard.press("ArrowRight");
    await expect(page.evaluate(() => document.activeElement?.getAttribute("data-seat"))).resolves.toBe(
      "A-1-2",
    );
    await page.keyboard.press("Enter");
    await expect(seat("A-1-2")?.getAttribute("aria-pressed")).resolves.toBe("true");
    // A-1-3 was taken in the first test: focusable, so it is heard, but Enter does nothing.
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("Enter");
    await expect(seat("A-1-3")?.getAttribute("aria-pressed")).resolves.toBe("false");
    await page.keyboard.press("ArrowDown");
    await expect(page.evaluate(() => document.activeElement?.getAttribute("data-seat"))).resolves.toBe(
      "A-2-3",
    );
    await page.keyboard.press(" ");
    await page.getByRole("button", { name: "Hold these 2 seats" }).waitFor();
    await screenshot(page, "seat-map-keyboard-pick");
  });
});
