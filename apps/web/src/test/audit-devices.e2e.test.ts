import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Browser, launchBrowser } from "./browser";
import { startApp, stop, tempDataDir } from "./run-app";
import { restApiOf } from "./rest-api";

/**
 * Issue 24 in the dashboard (headless Chromium against `pnpm start`): with an HTTP audit device
 * pointed at a webhook receiver in this test, Settings → Audit devices shows it recording (OK, no
 * events waiting); with the receiver down and a change made, the page shows it failing with the
 * events waiting and the error; /api/status shows the state without the receiver's address.
 */

const ADMIN = { email: "owner@example.com", password: "a-long-owner-password" };
const SECRET = "audit-webhook-secret-with-32-characters!";

describe("audit devices page", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  let url: string;
  let adminToken: string;
  let orgId: string;
  let browser: Browser;
  let receiver: Server;
  let received = 0;

  const api = restApiOf(() => url);
  const row = () => browser.page.getByRole("table", { name: "Audit devices" }).locator("tbody tr");
  const cells = async () => row().evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll("td")].map((td) => td.textContent!.trim())));

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        received += 1;
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/audit`;
    const data = tempDataDir();
    cleanups.push(data.remove);
    const app = await startApp({
      PGLITE_DIR: data.dir,
      AUDIT_HTTP_URL: receiverUrl,
      AUDIT_HTTP_HMAC_SECRET: SECRET,
      AUDIT_DEVICE_RETRY_MAX_SECONDS: "1",
    });
    cleanups.push(() => stop(app.child));
    url = app.url;
    const boot = await api("POST", "/api/v1/admin/bootstrap", undefined, { ...ADMIN, organization: "Acme" });
    expect(boot.status).toBe(200);
    adminToken = boot.body.identity.credentials.token;
    orgId = boot.body.organization.id;
    browser = await launchBrowser(url);
    cleanups.push(() => browser.close());
    await browser.go(`/login?next=${encodeURIComponent("/identities")}`);
    await browser.page.getByLabel("Email").fill(ADMIN.email);
    await browser.page.getByLabel("Password").fill(ADMIN.password);
    await browser.page.getByRole("button", { name: "Sign in" }).click();
    await browser.page.waitForURL((u) => u.pathname === "/identities");
  });

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    receiver.closeAllConnections();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  it("shows the HTTP device recording: OK, nothing waiting", async () => {
    const { page } = browser;
    await expect.poll(() => received).toBeGreaterThan(0);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit devices" }).click();
    await page.waitForURL((u) => u.pathname === "/settings/audit-devices");
    await page.getByRole("heading", { name: "Audit devices", level: 1 }).waitFor();
    await expect
      .poll(async () => {
        await page.getByRole("button", { name: "Refresh" }).click();
        return (await cells())[0];
      })
      .toEqual(["http", "No", "OK", "0", expect.stringMatching(/\d/), "—"]);
    await browser.capture("audit-devices");
  });

  it("with the receiver down shows it failing, the events waiting and the error", async () => {
    const { page } = browser;
    receiver.closeAllConnections();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
    const created = await api("POST", "/api/v1/identities", adminToken, { name: "after-outage", organizationId: orgId, role: "member" });
    expect(created.status).toBe(200);
    await expect
      .poll(
        async () => {
          await page.getByRole("button", { name: "Refresh" }).click();
          const [device] = await cells();
          return device && [device[2], Number(device[3]) > 0, device[5]!.includes("fetch failed")];
        },
        { timeout: 15_000 },
      )
      .toEqual(["Failing", true, true]);
    await browser.capture("audit-devices-failing");
    const status = await api("GET", "/api/status");
    expect(status.body.auditDevices).toEqual([expect.objectContaining({ name: "http", state: "failing", required: false })]);
    expect(JSON.stringify(status.body)).not.toContain("127.0.0.1");
  });
});
