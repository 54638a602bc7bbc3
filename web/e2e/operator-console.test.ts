import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { launchChromium, newBuyer, screenshot } from "./browser.ts";
import { admin, asBuyer, type E2EPlatform, holdThroughApi, startE2EPlatform } from "./platform.ts";

// The operator console in headless Chromium against the whole platform: an operator watches the
// counts move as buyers join, are admitted and hold seats (through the API), and steers admission.

let platform: E2EPlatform;
let browser: Browser;
let page: Page | undefined;

beforeAll(async () => {
  browser = await launchChromium();
  platform = await startE2EPlatform({ base: 24000 });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await platform?.stack.stop();
});

/** A figure of the console once it reads `text` (figures are re-read every second). */
const figure = (p: Page, id: string, text: string | RegExp) =>
  p
    .getByTestId(`figure-${id}`)
    .filter({ hasText: typeof text === "string" ? new RegExp(`^${text}$`) : text })
    .waitFor();

async function queueSettings() {
  return (await admin(
    platform.stack.urls.gateway,
    "GET",
    `/api/v1/admin/events/${platform.eventId}/queue`,
  )) as {
    rate: number;
    paused: boolean;
  };
}

describe("the operator console", () => {
  test("an operator sees the line and the seats move, and pauses, resumes and sets the rate", async () => {
    const operator = await newBuyer(browser, platform.webUrl);
    page = operator.page;
    const gateway = platform.stack.urls.gateway;
    const { eventId } = platform;
    try {
      await page.goto(`/signin?next=${encodeURIComponent(`/admin/events/${eventId}`)}`);
      await page.getByLabel("Your name").fill("ops-olga");
      await page.getByLabel(/Sign in as an operator/).check();
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("heading", { name: "Operator console" }).waitFor();
      await figure(page, "available", "40");
      await figure(page, "waiting", "0");
      await screenshot(page, "console-open");

      // Pause from the console: the gateway says so, and a buyer who joins waits in line.
      await page.getByRole("button", { name: "Pause admission" }).click();
      await page.getByTestId("console-admission").filter({ hasText: "paused" }).waitFor();
      expect((await queueSettings()).paused).toBe(true);
      await asBuyer(gateway, "console-wendy")("POST", "/api/v1/queue/join", { event_id: eventId });
      await figure(page, "waiting", "1");
      await figure(page, "active-buyers", "0");

      // Resume: she is admitted, and counts as an active buyer.
      await page.getByRole("button", { name: "Resume admission" }).click();
      await figure(page, "waiting", "0");
      await figure(page, "active-buyers", "1");
      expect((await queueSettings()).paused).toBe(false);

      // Another buyer holds two seats: the seat counts and the hold latency follow.
      await holdThroughApi(gateway, eventId, "console-hank", ["A-1-1", "A-1-2"]);
      await figure(page, "held", "2");
      await figure(page, "available", "38");
      await figure(page, "hold-p95", /^\d[\d.,]* ms$/);
      await screenshot(page, "console-after-hold");

      // A new rate, applied from the form.
      await page.getByLabel("Rate (admissions per second)").fill("25");
      await page.getByRole("button", { name: "Apply" }).click();
      await page.getByTestId("console-sale").filter({ hasText: "at 25/s" }).waitFor();
      expect((await queueSettings()).rate).toBe(25);
      expect(operator.crashes).toEqual([]);
    } catch (error) {
      await screenshot(page, "FAILED-console").catch(() => undefined);
      throw error;
    }
  }, 60_000);

  test("a buyer without the admin role is told the console is not for them", async () => {
    const buyer = await newBuyer(browser, platform.webUrl);
    await buyer.page.goto(`/signin?next=${encodeURIComponent(`/admin/events/${platform.eventId}`)}`);
    await buyer.page.getByLabel("Your name").fill("not-an-operator");
    await buyer.page.getByRole("button", { name: "Sign in" }).click();
    await buyer.page.getByRole("alert").filter({ hasText: "The console is for operators" }).waitFor();
  }, 20_000);
});
