import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Browser, launchBrowser } from "./browser";
import { startApp, stop, tempDataDir } from "./run-app";

/**
 * Token Auth in a second organization (headless Chromium against `pnpm start`): the admin creates
 * an organization, switches to it, creates an identity there, attaches Token Auth with TTLs and
 * creates a token (shown once, copied with the copy button); the token works with curl in its own
 * organization only, and revoking it in the dashboard makes the same curl answer 401.
 */

const ADMIN = { email: "owner@example.com", password: "a-long-owner-password" };
const run = promisify(execFile);

describe("identity page: Token Auth", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  let url: string;
  /** The bootstrap organization, Acme; the token's is the second one, created in the dashboard. */
  let acmeId: string;
  let orgId: string;
  let browser: Browser;
  let token: string;

  const section = () => browser.page.getByRole("region", { name: "Token Auth" });
  /** The status code curl gets for listing the organization's identities with `bearer`. */
  async function curlStatus(bearer: string, organizationId = orgId): Promise<string> {
    const { stdout } = await run("curl", [
      "-sS",
      "-o",
      "/dev/null",
      "-w",
      "%{http_code}",
      "-H",
      `Authorization: Bearer ${bearer}`,
      `${url}/api/v1/identities?organizationId=${organizationId}`,
    ]);
    return stdout;
  }

  beforeAll(async () => {
    const data = tempDataDir();
    cleanups.push(data.remove);
    const app = await startApp({ PGLITE_DIR: data.dir });
    cleanups.push(() => stop(app.child));
    url = app.url;
    const post = async (p: string, body: unknown, bearer?: string) => {
      const res = await fetch(`${url}${p}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(200);
      return (await res.json()) as any;
    };
    const boot = await post("/api/v1/admin/bootstrap", { ...ADMIN, organization: "Acme" });
    acmeId = boot.organization.id;

    browser = await launchBrowser(url);
    cleanups.push(() => browser.close());
    await browser.go(`/login?next=${encodeURIComponent("/organizations")}`);
    await browser.page.getByLabel("Email").fill(ADMIN.email);
    await browser.page.getByLabel("Password").fill(ADMIN.password);
    await browser.page.getByRole("button", { name: "Sign in" }).click();
    await browser.page.waitForURL((u) => u.pathname === "/organizations");
  });

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it("creates a second organization, switches to it and creates an admin identity there", async () => {
    const { page } = browser;
    await page.getByRole("button", { name: "Create organization" }).first().click();
    const form = page.getByTestId("create-organization-form");
    await form.getByLabel("Name").fill("Acme Ops");
    await form.getByRole("button", { name: "Create organization" }).click();
    const row = page.locator('[data-testid="organization-row"][data-organization-slug="acme-ops"]');
    await row.waitFor();
    const { organizations } = (await page.evaluate(async () => (await fetch("/api/v1/organization")).json())) as {
      organizations: { id: string; slug: string }[];
    };
    orgId = organizations.find((o) => o.slug === "acme-ops")!.id;
    const switcher = page.getByTestId("org-switcher");
    await switcher.locator(`option[value="${orgId}"]`).waitFor({ state: "attached" });
    await switcher.selectOption(orgId);
    await row.getByText("Shown", { exact: true }).waitFor();

    // An admin identity of the new organization: what an operator who lost the bootstrap token gives a new token.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Identities" }).click();
    await page.getByText("No machine identities yet").waitFor();
    await page.getByRole("button", { name: "Create identity" }).first().click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Name").fill("break-glass");
    await dialog.getByLabel("Role in the organization").selectOption("admin");
    await dialog.getByRole("button", { name: "Create identity" }).click();
    await page.waitForURL(/\/identities\/[0-9a-f-]{36}\?created=1$/);
    await page.getByRole("heading", { name: /break-glass/ }).waitFor();
  });

  it("attaches Token Auth with TTLs", async () => {
    const form = section().getByRole("form", { name: "Attach Token Auth" });
    await form.getByLabel("Access token TTL (seconds)").fill("3600");
    await form.getByLabel("Access token max TTL (seconds)").fill("7200");
    await form.getByRole("button", { name: "Attach Token Auth" }).click();
    const config = section().getByLabel("Stored Token Auth configuration");
    await config.waitFor();
    expect(await config.textContent()).toContain("1 hour");
    expect(await config.textContent()).toContain("2 hours");
    await section().getByText("Configured", { exact: true }).waitFor();
  });

  it("creates a token shown once; the copied token works with curl, in its organization only", async () => {
    const form = section().getByRole("form", { name: "Create a token" });
    await form.getByLabel("Token name (optional)").fill("e2e-curl");
    await form.getByRole("button", { name: "Create token" }).click();
    const shown = section().getByLabel("New access token");
    await shown.waitFor();
    token = (await shown.textContent())!.trim();
    expect(token).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
    await section().getByRole("button", { name: "Copy token" }).click();
    await section().getByRole("button", { name: "Copied" }).waitFor();
    expect(await browser.page.evaluate(() => navigator.clipboard.readText())).toBe(token);

    expect(await curlStatus(token)).toBe("200");
    expect(await curlStatus(token, acmeId)).toBe("404"); // Acme is another organization: not even its existence shows
    const row = section()
      .getByRole("table", { name: "Token Auth tokens" })
      .getByRole("row", { name: /e2e-curl/ });
    await row.getByText("Active").waitFor();
    await browser.capture("identity-token-auth");
  });

  it("revoking the token in the dashboard makes the same curl answer 401", async () => {
    await section().getByRole("button", { name: "Revoke token e2e-curl" }).click();
    await browser.page.getByRole("dialog").getByRole("button", { name: "Revoke token" }).click();
    const row = section()
      .getByRole("table", { name: "Token Auth tokens" })
      .getByRole("row", { name: /e2e-curl/ });
    await row.getByText("Revoked").waitFor();
    expect(await curlStatus(token)).toBe("401");
    expect(browser.pageErrors).toEqual([]);
  });
});
