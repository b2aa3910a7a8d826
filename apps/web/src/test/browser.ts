import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { expect } from "vitest";
import { appDir } from "./run-app";

/**
 * Debian's Chromium in headless mode for the dashboard's browser tests. Screenshots go to
 * test-results/screenshots/ (kept as CI artefacts) at a desktop and a phone width.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
export const SCREENSHOTS = path.join(appDir, "test-results", "screenshots");
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Uncaught errors and console errors seen on any page so far. */
  pageErrors: string[];
  consoleErrors: string[];
  /** Opens `path` of the app and waits until the network is idle. */
  go(path: string): Promise<void>;
  /** Screenshots at both widths; neither may scroll sideways. */
  capture(name: string, target?: Page): Promise<void>;
  close(): Promise<void>;
}

/** A fresh browser profile pointed at the app at `url` (clipboard allowed). */
export async function launchBrowser(url: string): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const profile = mkdtempSync(path.join(os.tmpdir(), "ociauth-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: DESKTOP,
    locale: "en-US",
    timezoneId: "UTC",
  });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: url });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(20_000);
  const pageErrors: string[] = [];
  const consoleErrors: string[] = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });

  return {
    context,
    page,
    pageErrors,
    consoleErrors,
    async go(p: string) {
      await page.goto(`${url}${p}`, { waitUntil: "networkidle" });
    },
    async capture(name: string, target: Page = page) {
      for (const size of [DESKTOP, PHONE]) {
        await target.setViewportSize(size);
        // Layout settles after the resize (a long page such as the API reference takes a while): an
        // overflow that lasts 5 s is a real one.
        await expect
          .poll(() => target.evaluate(() => document.documentElement.scrollWidth - window.innerWidth), {
            message: `${name} overflows horizontally at ${size.width}px`,
            timeout: 5_000,
          })
          .toBeLessThanOrEqual(0);
        await target.screenshot({ path: path.join(SCREENSHOTS, `${name}-${size.width}.png`), fullPage: true });
      }
      await target.setViewportSize(DESKTOP);
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
