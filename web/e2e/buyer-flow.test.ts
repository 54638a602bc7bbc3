import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { DESKTOP, launchChromium, newBuyer, PHONE, screenshot, signInOnEvent } from "./browser.ts";
import { type E2EPlatform, HOLD_SECONDS, startE2EPlatform } from "./platform.ts";

// The buyer app in real headless Chromium against the whole local platform (every service, the
// Vite dev server, Redis, DynamoDB Local, the SQS emulator), started here on 21xxx ports.

let platform: E2EPlatform;
let browser: Browser;
const buyers: Awaited<ReturnType<typeof newBuyer>>[] = [];

beforeAll(async () => {
  // Chromium first: a missing browser should fail fast with its own message.
  browser = await launchChromium();
  platform = await startE2EPlatform();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await platform?.stack.stop();
});

/** A new buyer signed in through the dev login, on the event page. */
async function signedInBuyer(name: string, viewport = DESKTOP) {
  const buyer = await newBuyer(browser, platform.webUrl, viewport);
  buyers.push(buyer);
  await signInOnEvent(buyer.page, platform.eventId, name);
  return buyer;
}

/** Joins the queue and, once admitted, enters the seat map. */
async function admitted(page: Page) {
  await page.getByRole("button", { name: "Join queue" }).click();
  await page.getByRole("heading", { name: "It's your turn!" }).waitFor();
  await page.getByRole("button", { name: "Enter and choose seats" }).click();
  await page.getByRole("heading", { name: "Choose your seats" }).waitFor();
}

const seat = (page: Page, id: string) => page.locator(`[data-seat="${id}"]`);

/** Picks seats on the map (section by its radio label) and holds them; lands on the hold page. */
async function holdSeats(page: Page, section: string, ids: string[]) {
  await page.getByRole("radio", { name: new RegExp(section) }).check();
  for (const id of ids) await seat(page, id).click();
  await page.getByRole("button", { name: /^Hold (this seat|these \d+ seats)$/ }).click();
  await page.getByRole("heading", { name: "Your seats are on hold" }).waitFor();
}

/**
 * A browser test that, when it fails, saves a screenshot of the last buyer's page and adds the
 * alerts on it to the error, so a CI log says what the buyer saw.
 */
function buyerTest(name: string, body: () => Promise<void>) {
  test(name, async () => {
    try {
      await body();
    } catch (error) {
      const page = buyers.at(-1)?.page;
      if (!page) throw error;
      const slug = name.replace(/[^a-z0-9]+/gi, "-").slice(0, 40);
      await screenshot(page, `FAILED-${slug}`).catch(() => undefined);
      const alerts = await page
        .locator('[role="alert"]')
        .allTextContents()
        .catch(() => []);
      throw new Error(`${String(error)}\npage: ${page.url()}\nalerts: ${JSON.stringify(alerts)}`, {
        cause: error,
      });
    }
  }, 30_000);
}

describe("buying tickets in the browser", () => {
  buyerTest("join → live queue → enter → pick seats → hold → pay (approve) → order shown", async () => {
    const alice = await signedInBuyer("alice");
    const { page } = alice;
    const sockets: string[] = [];
    const pushed: string[] = [];
    page.on("websocket", (ws) => {
      sockets.push(ws.url());
      ws.on("framereceived", (f) => {
        if (String(f.payload).includes('"type":"purchase"')) pushed.push(String(f.payload));
      });
    });

    await page.goto("/");
    await page.getByRole("link", { name: "Browser test night" }).waitFor();
    await screenshot(page, "events-list");
    await page.getByRole("link", { name: "Browser test night" }).click();
    await expect(page.getByTestId("sale-status").textContent()).resolves.toContain("On sale now");
    await screenshot(page, "event-page");

    // Admissions paused: Alice waits in line, with her place pushed over the WebSocket.
    await platform.pauseQueue();
    await page.getByRole("button", { name: "Join queue" }).click();
    await page.getByTestId("queue-position").filter({ hasText: "You're number 1 in line" }).waitFor();
    await page.locator('[data-testid="queue-channel"][data-channel="live"]').waitFor();
    expect(sockets.some((url) => url.includes("/api/v1/queue/ws?token="))).toBe(true);
    await screenshot(page, "waiting-room-live");

    // A reload keeps the same place (the waiting token is remembered per event).
    const tokenBefore = await page.evaluate(() => JSON.stringify(localStorage));
    await page.reload();
    await page.getByTestId("queue-position").filter({ hasText: "You're number 1 in line" }).waitFor();
    expect(await page.evaluate(() => JSON.stringify(localStorage))).toBe(tokenBefore);

    await platform.resumeQueue();
    await page.getByRole("heading", { name: "It's your turn!" }).waitFor();
    await screenshot(page, "your-turn");
    await page.getByRole("button", { name: "Enter and choose seats" }).click();
    await page.getByRole("heading", { name: "Choose your seats" }).waitFor();

    await seat(page, "A-1-1").click();
    await seat(page, "A-1-2").click();
    await expect(page.getByTestId("selection-count").textContent()).resolves.toBe("(2 of up to 10)");
    await screenshot(page, "seat-map-two-selected");
    await page.getByRole("button", { name: "Hold these 2 seats" }).click();
    await page.getByRole("heading", { name: "Your seats are on hold" }).waitFor();
    await expect(page.getByRole("timer").textContent()).resolves.toMatch(/^0:0[1-6]$/);
    await screenshot(page, "hold-countdown");

    await page.getByRole("radio", { name: /Card approved/ }).check();
    await page.getByRole("button", { name: /^Pay / }).click();
    await page.getByRole("heading", { name: /Your order is confirmed/ }).waitFor();
    await expect(page.getByTestId("order-id").textContent()).resolves.toMatch(/^ord_/);
    // The outcome came by push on the live-queue socket, not by polling.
    expect(pushed.some((p) => p.includes('"status":"CONFIRMED"'))).toBe(true);
    await expect(page.getByTestId("order-seats").textContent()).resolves.toContain("Floor, row 1, seat 2");
    await screenshot(page, "order-confirmed");

    await page.getByRole("link", { name: "My reservations", exact: true }).click();
    await page.locator('[data-testid="reservation"][data-status="CONFIRMED"]').waitFor();
    await screenshot(page, "my-reservations");
    expect(alice.crashes).toEqual([]);
  });

  buyerTest(
    "a second buyer, on a phone without WebSockets, waits by polling and sees those seats SOLD",
    async () => {
      const bob = await signedInBuyer("bob", PHONE);
      const { page } = bob;
      // Bob's network refuses WebSockets: the waiting room falls back to polling the status route.
      await page.routeWebSocket(/\/api\/v1\/queue\/ws/, (ws) => ws.close({ code: 1011, reason: "blocked" }));
      await platform.pauseQueue();
      await page.getByRole("button", { name: "Join queue" }).click();
      await page.locator('[data-testid="queue-channel"][data-channel="polling"]').waitFor();
      await page.getByTestId("queue-position").filter({ hasText: "You're number 1 in line" }).waitFor();
      await screenshot(page, "phone-waiting-room-polling");
      await platform.resumeQueue();
      await page.getByRole("heading", { name: "It's your turn!" }).waitFor();
      await page.getByRole("button", { name: "Enter and choose seats" }).click();
      await page.getByRole("heading", { name: "Choose your seats" }).waitFor();
      await expect(seat(page, "A-1-1").getAttribute("data-status")).resolves.toBe("SOLD");
      await expect(seat(page, "A-1-2").getAttribute("aria-disabled")).resolves.toBe("true");
      // Forced: Playwright itself refuses to click an aria-disabled control, and so should the app.
      await seat(page, "A-1-1").click({ force: true });
      await expect(page.getByTestId("selection-count").textContent()).resolves.toBe("(0 of up to 10)");
      await expect(seat(page, "A-1-3").getAttribute("data-status")).resolves.toBe("AVAILABLE");
      await screenshot(page, "phone-seat-map-sold");

      // Keyboard only: focus the grid, move right and pick with Space.
      await seat(page, "A-1-1").focus();
      await page.keyboard.press("ArrowRight");
      await page.keyboard.press("ArrowRight");
      await page.keyboard.press("Space");
      await expect(seat(page, "A-1-3").getAttribute("aria-pressed")).resolves.toBe("true");
      expect(bob.crashes).toEqual([]);
    },
  );

  buyerTest("a hold that runs out is explained, and its seats free up", async () => {
    const { page, crashes } = await signedInBuyer("carol");
    await admitted(page);
    await holdSeats(page, "Balcony", ["B-2-5"]);
    expect(await platform.seatStatus("B-2-5")).toBe("HELD");

    await page
      .getByTestId("outcome")
      .filter({ hasText: "Your seat hold has expired" })
      .waitFor({
        timeout: (HOLD_SECONDS + 5) * 1000,
      });
    await screenshot(page, "hold-expired");
    await page.getByRole("link", { name: "Choose seats again" }).click();
    await page.getByRole("radio", { name: /Balcony/ }).check();
    await page.locator('[data-seat="B-2-5"][data-status="AVAILABLE"]').waitFor();
    await screenshot(page, "seat-freed-after-expiry");
    expect(crashes).toEqual([]);
  });

  buyerTest("a declined payment keeps the seats, and another card within the hold buys them", async () => {
    const { page, crashes } = await signedInBuyer("dave");
    await admitted(page);
    await holdSeats(page, "Balcony", ["B-1-1"]);
    await page.getByRole("radio", { name: /Card declined/ }).check();
    await page.getByRole("button", { name: /^Pay / }).click();
    await page.getByTestId("declined").filter({ hasText: "your seats are still held" }).waitFor();
    await screenshot(page, "payment-declined");
    expect(await platform.seatStatus("B-1-1")).toBe("HELD");
    await page.getByRole("radio", { name: /Card approved/ }).check();
    await page.getByRole("button", { name: /^Pay / }).click();
    await page.getByRole("heading", { name: /Your order is confirmed/ }).waitFor();
    expect(await platform.seatStatus("B-1-1")).toBe("SOLD");
    expect(crashes).toEqual([]);
  });

  buyerTest("quantity-only picks work", async () => {
    const { page, crashes } = await signedInBuyer("erin");
    await admitted(page);
    // "Best available": two seats in the balcony without choosing them.
    await page.getByLabel("Number of seats").selectOption("2");
    await page.getByLabel("In section").selectOption({ label: "Balcony" });
    await page.getByRole("button", { name: "Find and hold seats" }).click();
    await page.getByRole("heading", { name: "Your seats are on hold" }).waitFor();
    await expect(page.getByRole("list", { name: "Seats" }).locator("li").count()).resolves.toBe(2);
    await screenshot(page, "quantity-only-hold");
    await page.getByRole("button", { name: "Release these seats" }).click();
    await page.getByTestId("outcome").filter({ hasText: "You released these seats" }).waitFor();
    expect(crashes).toEqual([]);
  });
});
