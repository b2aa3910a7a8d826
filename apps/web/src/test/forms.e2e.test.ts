import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Browser, launchBrowser } from "./browser";
import { startApp, stop, tempDataDir } from "./run-app";

/**
 * Forms and dialogs with the keyboard, and the API reference: `pnpm start` (production build) on
 * a fresh PGlite folder, driven by headless Chromium. Focus is checked through
 * document.activeElement after every step.
 */

const ADMIN = { email: "forms@example.com", password: "a-long-forms-password", organization: "Forms Inc" };

describe("forms, dialogs and the API reference (headless Chromium against pnpm start)", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  let url: string;
  let browser: Browser;
  let page: Page;
  const requestedOrigins = new Set<string>();

  beforeAll(async () => {
    const data = tempDataDir();
    cleanups.push(data.remove);
    const app = await startApp({ PGLITE_DIR: data.dir });
    cleanups.push(() => stop(app.child));
    url = app.url;
    browser = await launchBrowser(url);
    cleanups.push(() => browser.close());
    page = browser.page;
    page.on("request", (request) => requestedOrigins.add(new URL(request.url()).origin));
  });

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it("/api-docs renders the reference from the app itself: operations, a schema with descriptions, no CSP errors", async () => {
    await browser.go("/api-docs");
    const reference = page.locator("#api-reference");
    await expect.poll(() => reference.getByText("Attach OCI auth to an identity").count(), { timeout: 30_000 }).toBeGreaterThan(0);
    for (const summary of [
      "Log in with a signed OCI request and get an access token",
      "Create a machine identity (role default no-access)",
    ]) {
      expect(await reference.getByText(summary).count()).toBeGreaterThan(0);
    }
    // A request schema, with the field descriptions and examples from packages/schema.
    await expect
      .poll(() => reference.getByText("Lifetime of an issued access token in seconds", { exact: false }).count())
      .toBeGreaterThan(0);
    expect(await reference.getByText("tenancyOcid").count()).toBeGreaterThan(0);
    await browser.capture("api-docs");
    const cspErrors = browser.consoleErrors.filter((text) => /Content Security Policy|Refused to/i.test(text));
    expect(cspErrors).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
    expect([...requestedOrigins]).toEqual([new URL(url).origin]);
  });
});
