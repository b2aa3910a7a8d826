import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Browser, launchBrowser } from "./browser";
import { startApp, stop, tempDataDir } from "./run-app";

/**
 * Token Auth on the identity page (headless Chromium against `pnpm start`): an operator attaches it
 * with TTLs, creates a token (shown once, copied with the copy button), the token works with curl,
 * and revoking it in the dashboard makes the same curl answer 401.
 */

const ADMIN = { email: "owner@example.com", password: "a-long-owner-password" };
const run = promisify(execFile);

describe("identity page: Token Auth", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  let url: string;
  let orgId: string;
  let identityId: string;
  let browser: Browser;
  let token: string;

  const section = () => browser.page.getByRole("region", { name: "Token Auth" });
  /** The status code curl gets for listing the organization's identities with `bearer`. */
  async function curlStatus(bearer: string): Promise<string> {
    const { stdout } = await run("curl", [
      "-sS",
      "-o",
      "/dev/null",
      "-w",
      "%{http_code}",
      "-H",
      `Authorization: Bearer ${bearer}`,
      `${url}/api/v1/identities?organizationId=${orgId}`,
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
    orgId = boot.organization.id;
    // A second admin identity: what an operator who lost the bootstrap token gives a new token.
    const created = await post(
      "/api/v1/identities",
      { name: "break-glass", organizationId: orgId, role: "admin" },
      boot.identity.credentials.token,
    );
    identityId = created.identity.id;

    browser = await launchBrowser(url);
    cleanups.push(() => browser.close());
    await browser.go(`/login?next=${encodeURIComponent(`/identities/${identityId}`)}`);
    await browser.page.getByLabel("Email").fill(ADMIN.email);
    await browser.page.getByLabel("Password").fill(ADMIN.password);
    await browser.page.getByRole("button", { name: "Sign in" }).click();
    await browser.page.waitForURL((u) => u.pathname === `/identities/${identityId}`);
  });

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
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

  it("creates a token shown once; the copied token works with curl", async () => {
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
