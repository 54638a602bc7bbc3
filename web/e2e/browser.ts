// Real headless Chromium (Debian's `chromium` package) driven by playwright-core.
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";

/** Where Chromium is expected; CHROMIUM_PATH overrides it on machines that keep it elsewhere. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

/** Screenshots of each step land here (git-ignored); each run replaces the previous run's. */
export const SCREENSHOT_DIR = fileURLToPath(new URL("../test-results/e2e/", import.meta.url));

// --headless etc. are what CI containers need: no sandbox (root in a container), no GPU, and no
// background traffic to Google that would slow the run or fail offline.
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Launches Chromium, failing with instructions (never skipping) when it is not installed.
 * playwright-core gives every launch a fresh temporary --user-data-dir and removes it on close.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}. The browser tests need it: ` +
        "run `apt-get install -y chromium` as root (Debian), or set CHROMIUM_PATH.",
    );
  }
  rmSync(SCREENSHOT_DIR, { recursive: true, force: true });
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ARGS });
}

/** Viewports: a laptop, and a phone (iPhone 12-ish) to prove the flow works small. */
export const DESKTOP = { width: 1280, height: 900 };
/** A phone-sized viewport. */
export const PHONE = { width: 390, height: 844 };

/** One buyer: an isolated browser context (own storage) with one page, recording page crashes. */
export async function newBuyer(browser: Browser, baseURL: string, viewport = DESKTOP) {
  const context: BrowserContext = await browser.newContext({
    baseURL,
    viewport,
    isMobile: viewport === PHONE,
    hasTouch: viewport === PHONE,
  });
  context.setDefaultTimeout(10_000);
  const page: Page = await context.newPage();
  const crashes: string[] = [];
  page.on("pageerror", (error) => crashes.push(error.message));
  return { context, page, crashes };
}

let shots = 0;
/** Saves a full-page screenshot named by step, numbered in the order taken. */
export async function screenshot(page: Page, step: string): Promise<string> {
  shots += 1;
  const file = `${SCREENSHOT_DIR}${String(shots).padStart(2, "0")}-${step}.png`;
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Signs a page in through the dev login from an event page, ready to join its queue. */
export async function signInOnEvent(page: Page, eventId: string, name: string): Promise<void> {
  await page.goto(`/events/${eventId}`);
  await page.getByRole("link", { name: "Sign in to join the queue" }).click();
  await page.getByLabel("Your name").fill(name);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("signed-in-user").filter({ hasText: name }).waitFor();
  await page.getByRole("button", { name: "Join queue" }).waitFor();
}
