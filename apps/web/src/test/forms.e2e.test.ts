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

  const dialog = () => page.getByRole("dialog");
  const ociSection = () => page.getByRole("region", { name: /OCI Auth/ });
  /** What has focus: its id, else its accessible text (buttons), and whether it is inside the open dialog. */
  const focused = () =>
    page.evaluate(() => {
      const element = document.activeElement as HTMLElement | null;
      return {
        id: element?.id ?? "",
        label: (element?.getAttribute("aria-label") ?? element?.textContent ?? "").trim(),
        tag: element?.tagName.toLowerCase() ?? "",
        inDialog: Boolean(element?.closest("dialog[open]")),
      };
    });
  const focusedLabelText = () =>
    page.evaluate(() => {
      const element = document.activeElement as HTMLInputElement | null;
      return element?.labels?.[0]?.textContent?.trim() ?? "";
    });
  const ZOD_WORDING = /Invalid input|Too small|Too big|expected \w+, received/;

  it("/setup: an invalid submit focuses the first invalid field in the order the form shows them", async () => {
    await browser.go("/setup");
    expect((await focused()).id).toBe("setup-organization");
    const submit = page.getByRole("button", { name: "Create administrator and organization" });
    await submit.click();
    await expect.poll(async () => (await focused()).id).toBe("setup-organization");
    await page.getByLabel("Organization name").fill(ADMIN.organization);
    await submit.click();
    await expect.poll(async () => (await focused()).id).toBe("setup-email");
    await page.getByLabel("Admin email").fill(ADMIN.email);
    await page.getByLabel("Password", { exact: true }).fill("short");
    await submit.click();
    await expect.poll(async () => (await focused()).id).toBe("setup-password");
    await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
    await page.getByLabel("Confirm password").fill("not-the-same-password");
    await submit.click();
    await expect.poll(async () => (await focused()).id).toBe("setup-confirm");
    await page.getByLabel("Confirm password").fill(ADMIN.password);
    await submit.click();
    await page.getByRole("heading", { name: "Your instance is ready" }).waitFor();
  });

  it("/login: an invalid submit focuses the first invalid field, then the next one", async () => {
    await browser.go("/login");
    expect((await focused()).id).toBe("login-email");
    const submit = page.getByRole("button", { name: "Sign in" });
    await page.getByLabel("Password").focus();
    await submit.click();
    await expect.poll(async () => (await focused()).id).toBe("login-email");
    await page.getByLabel("Email").fill(ADMIN.email);
    await submit.click();
    await expect.poll(async () => (await focused()).id).toBe("login-password");
    await page.getByLabel("Password").fill(ADMIN.password);
    await submit.click();
    await page.waitForURL(/\/identities$/);
  });

  it("create identity dialog: opens on its first field, traps Tab and Shift+Tab, Escape closes it back to the opener", async () => {
    await page.getByRole("heading", { name: "Machine identities" }).waitFor();
    const opener = page.getByRole("button", { name: "Create identity" });
    await opener.click();
    await dialog().waitFor();
    await expect.poll(async () => (await focused()).id).toBe("create-identity-name");

    // Forward: every Tab stays inside, and after the last control comes the first again.
    const seen: string[] = [];
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press("Tab");
      const now = await focused();
      expect(now.inDialog, `Tab ${i + 1} left the dialog (${JSON.stringify(now)})`).toBe(true);
      seen.push(now.id || now.label);
    }
    expect(seen).toEqual([
      "create-identity-role",
      "Cancel",
      "Create identity",
      "Close dialog",
      "create-identity-name",
      "create-identity-role",
    ]);
    // Backward, across the start.
    const back: string[] = [];
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press("Shift+Tab");
      const now = await focused();
      expect(now.inDialog, `Shift+Tab ${i + 1} left the dialog`).toBe(true);
      back.push(now.id || now.label);
    }
    expect(back).toEqual(["create-identity-name", "Close dialog", "Create identity", "Cancel"]);

    await page.keyboard.press("Escape");
    await dialog().waitFor({ state: "hidden" });
    await expect.poll(async () => (await focused()).label).toBe("Create identity");
    expect((await focused()).inDialog).toBe(false);

    // An invalid submit focuses the field with the schema's message.
    await opener.click();
    await expect.poll(async () => (await focused()).id).toBe("create-identity-name");
    await dialog().getByRole("button", { name: "Create identity" }).click();
    await dialog().getByText("Name cannot be empty").waitFor();
    expect((await focused()).id).toBe("create-identity-name");
    await dialog().getByLabel("Name").fill("n".repeat(65));
    await dialog().getByRole("button", { name: "Create identity" }).focus();
    await page.keyboard.press("Enter");
    await dialog().getByText("Name must be at most 64 characters").waitFor();
    await expect.poll(async () => (await focused()).id).toBe("create-identity-name");
    await browser.capture("forms-create-identity-invalid");
    await dialog().getByLabel("Name").fill("focus-runner");
    await dialog().getByRole("button", { name: "Create identity" }).click();
    await page.waitForURL(/\/identities\/[0-9a-f-]{36}\?created=1$/);
    await page.getByRole("heading", { name: /focus-runner/ }).waitFor();
  });

  it("attach OCI auth: a TTL of 1.5 shows the schema's message (not zod's) and focuses the first invalid field", async () => {
    const section = ociSection();
    const ttl = section.getByLabel("Access token TTL (seconds)");
    await ttl.fill("1.5");
    await section.getByRole("button", { name: "Attach OCI auth" }).click();
    // Tenancy OCID comes first in the form and is empty too.
    await expect.poll(focusedLabelText).toBe("Tenancy OCID");
    await section.getByText("Access token TTL must be a whole number of seconds").waitFor();
    await section.getByLabel("Tenancy OCID").fill("ocid1.tenancy.oc1..aaaaaaaaformstest");
    await section.getByRole("button", { name: "Attach OCI auth" }).click();
    await expect.poll(focusedLabelText).toBe("Access token TTL (seconds)");
    expect(await section.getByText("Access token TTL must be a whole number of seconds").count()).toBe(1);
    expect(await section.textContent()).not.toMatch(ZOD_WORDING);
    await browser.capture("forms-oci-auth-ttl-invalid");

    await ttl.fill("-1");
    await section.getByRole("button", { name: "Attach OCI auth" }).click();
    await section.getByText("Access token TTL must be 0 or more").waitFor();
    await expect.poll(focusedLabelText).toBe("Access token TTL (seconds)");
    await ttl.fill("3600");
    await section.getByRole("button", { name: "Attach OCI auth" }).click();
    await section.getByRole("button", { name: "Edit configuration" }).waitFor();
  });

  it("edit OCI auth: an invalid save focuses the field with the schema's message", async () => {
    const section = ociSection();
    await section.getByRole("button", { name: "Edit configuration" }).click();
    const maxTtl = section.getByLabel("Access token max TTL (seconds)");
    await maxTtl.fill("-1");
    await section.getByLabel("Uses per token").fill("2.5");
    await section.getByRole("button", { name: "Save changes" }).click();
    await expect.poll(focusedLabelText).toBe("Access token max TTL (seconds)");
    await section.getByText("Access token max TTL must be 0 or more").waitFor();
    await section.getByText("Access token uses limit must be a whole number").waitFor();
    expect(await section.textContent()).not.toMatch(ZOD_WORDING);
    await maxTtl.fill("7200");
    await section.getByLabel("Uses per token").fill("0");
    await section.getByRole("button", { name: "Save changes" }).click();
    await section.getByRole("button", { name: "Edit configuration" }).waitFor();
  });

  it("edit identity dialog: opens on the name, an invalid save focuses it, Escape returns focus to the opener", async () => {
    const opener = page.getByRole("button", { name: "Rename or change role" });
    await opener.click();
    await expect.poll(async () => (await focused()).id).toBe("edit-identity-name");
    await dialog().getByLabel("Name").fill("   ");
    await dialog().getByRole("button", { name: "Save changes" }).click();
    await dialog().getByText("Name cannot be empty").waitFor();
    await expect.poll(async () => (await focused()).id).toBe("edit-identity-name");
    await page.keyboard.press("Escape");
    await dialog().waitFor({ state: "hidden" });
    await expect.poll(async () => (await focused()).label).toBe("Rename or change role");
  });

  it("delete identity: asks for the name typed exactly (button disabled until then), traps focus, Escape returns to the opener", async () => {
    const opener = page.getByRole("button", { name: "Delete identity" });
    await opener.click();
    await dialog().waitFor();
    await expect.poll(async () => (await focused()).id).toBe("delete-identity-confirm");
    const confirm = dialog().getByRole("button", { name: "Delete identity" });
    expect(await confirm.isDisabled()).toBe(true);
    await page.keyboard.type("focus-runne");
    expect(await confirm.isDisabled()).toBe(true);
    await page.keyboard.press("Enter"); // a partial name submits nothing
    expect(await dialog().isVisible()).toBe(true);
    await page.keyboard.type("rx");
    expect(await confirm.isDisabled()).toBe(true);
    await page.keyboard.press("Backspace");
    expect(await confirm.isDisabled()).toBe(false);
    await browser.capture("forms-delete-identity-typed");

    for (let i = 0; i < 5; i++) {
      await page.keyboard.press(i % 2 ? "Shift+Tab" : "Tab");
      expect((await focused()).inDialog).toBe(true);
    }
    await page.keyboard.press("Escape");
    await dialog().waitFor({ state: "hidden" });
    await expect.poll(async () => (await focused()).label).toBe("Delete identity");
    expect((await focused()).inDialog).toBe(false);

    // Reopened, it starts empty again; typing the name and pressing Enter deletes.
    await opener.click();
    await expect.poll(async () => (await focused()).id).toBe("delete-identity-confirm");
    expect(
      await dialog()
        .getByLabel(/to confirm/)
        .inputValue(),
    ).toBe("");
    await page.keyboard.type("focus-runner");
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/identities$/);
    await page.getByRole("heading", { name: "Machine identities" }).waitFor();
    await expect.poll(() => page.getByRole("row").filter({ hasText: "focus-runner" }).count()).toBe(0);
    await expect.poll(() => page.getByRole("row").filter({ hasText: "admin" }).count()).toBeGreaterThan(0);
    expect(browser.pageErrors).toEqual([]);
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
    await browser.capture("api-docs");
    // A request schema, with the field descriptions and examples from packages/schema (Scalar renders
    // an operation's details once it is scrolled to: open it from the sidebar).
    await reference.getByText("Attach OCI auth to an identity").first().click();
    await expect
      .poll(() => reference.getByText("Lifetime of an issued access token in seconds", { exact: false }).count())
      .toBeGreaterThan(0);
    expect(await reference.getByText("tenancyOcid").count()).toBeGreaterThan(0);
    const cspErrors = browser.consoleErrors.filter((text) => /Content Security Policy|Refused to/i.test(text));
    expect(cspErrors).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
    expect([...requestedOrigins]).toEqual([new URL(url).origin]);
  });
});
