import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { launchChromium, newBuyer, screenshot } from "./browser.ts";
import { admin, asBuyer, type E2EPlatform, holdThroughApi, startE2EPlatform } from "./platform.ts";

// The console's sale analytics in headless Chromium against the whole platform: as buyers join,
// give up their place, are admitted, hold and pay (through the API) and the worker confirms the
// order, the operator sees the funnel, the abandoned places and the time in line move.

let platform: E2EPlatform;
let browser: Browser;
let page: Page | undefined;

beforeAll(async () => {
  browser = await launchChromium();
  platform = await startE2EPlatform({ base: 28000 });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await platform?.stack.stop();
});

/** A figure of the funnel once it reads `text` (re-read every two seconds). */
const shows = (p: Page, testId: string, text: RegExp) =>
  p.getByTestId(testId).filter({ hasText: text }).waitFor();

describe("the console's sale analytics", () => {
  test("an operator sees the funnel, a place given up and the time in line follow the buyers", async () => {
    const operator = await newBuyer(browser, platform.webUrl);
    page = operator.page;
    const gateway = platform.stack.urls.gateway;
    const { eventId } = platform;
    const queue = `/api/v1/admin/events/${eventId}/queue`;
    try {
      await page.goto(`/signin?next=${encodeURIComponent(`/admin/events/${eventId}`)}`);
      await page.getByLabel("Your name").fill("ops-fran");
      await page.getByLabel(/Sign in as an operator/).check();
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("heading", { name: "Sale funnel" }).waitFor();
      await shows(page, "funnel-joined", /^0$/);
      await shows(page, "funnel-confirmed", /^0$/);
      await shows(page, "wait-summary", /^0 admitted/);

      // Two buyers join a paused line; one gives up her place.
      await admin(gateway, "POST", `${queue}/pause`);
      const wendy = asBuyer(gateway, "funnel-wendy");
      const lena = asBuyer(gateway, "funnel-lena");
      await wendy("POST", "/api/v1/queue/join", { event_id: eventId });
      const left = await lena("POST", "/api/v1/queue/join", { event_id: eventId });
      await lena("DELETE", `/api/v1/queue/leave?token=${encodeURIComponent(String(left.waiting_token))}`);
      await shows(page, "funnel-joined", /^2$/);
      await shows(page, "abandoned-left", /^1$/);
      await shows(page, "funnel-admitted", /^0/);

      // Admission resumes: Wendy is admitted after her time in line; another buyer holds and pays.
      await admin(gateway, "POST", `${queue}/resume`);
      const reservationId = await holdThroughApi(gateway, eventId, "funnel-hank", ["A-1-1"]);
      await asBuyer(gateway, "funnel-hank")(
        "POST",
        "/api/v1/payments/intent",
        { reservation_id: reservationId, amount: 150000, currency: "KRW", scenario: "approve" },
        { "idempotency-key": crypto.randomUUID() },
      );
      await shows(page, "funnel-joined", /^3$/);
      await shows(page, "funnel-admitted", /^2 \(67 %\)$/);
      await shows(page, "funnel-held", /^1 \(33 %\)$/);
      await shows(page, "funnel-paid", /^1 \(33 %\)$/);
      // The approved payment became an order, counted by the worker from reservation.confirmed.
      await shows(page, "funnel-confirmed", /^1 \(33 %\)$/);
      await shows(page, "wait-summary", /^2 admitted · median \d/);
      // Both waited under a second or a few: they are in the first buckets, none past a minute.
      const counted = await page.locator('[data-testid^="wait-bucket-"] td:first-of-type').allTextContents();
      expect(counted.map(Number).reduce((a, b) => a + b, 0)).toBe(2);
      await shows(page, "wait-bucket-inf", /0/);
      await screenshot(page, "console-funnel");
      expect(operator.crashes).toEqual([]);
    } catch (error) {
      await screenshot(page, "FAILED-funnel").catch(() => undefined);
      throw error;
    }
  }, 60_000);
});
