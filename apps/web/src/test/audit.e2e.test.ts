import { createTestApiKey, createTestOcid, type OciStandIn, signGetUserWithOciCommon, startOciStandIn } from "@ociauth/oci-stand-in";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Browser, launchBrowser } from "./browser";
import { startApp, stop, tempDataDir } from "./run-app";

/**
 * The audit log and the identities list end to end (headless Chromium against `pnpm start`):
 * readable event names with the raw type beside them, old → new values of updates, failed logins
 * naming the OCI user, the identity filter, CSV and JSON-lines exports of the filtered view, and
 * filters, search and page kept in the URL across reloads and back/forward.
 */

const ADMIN = { email: "auditor@example.com", password: "a-long-auditor-password" };

describe("audit log and list URLs (headless Chromium against pnpm start)", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  const tenancyOcid = createTestOcid("tenancy");
  const intruder = { id: createTestOcid("user"), key: createTestApiKey() };
  let oci: OciStandIn;
  let url: string;
  let orgId: string;
  let adminToken: string;
  let alpha: string;
  let browser: Browser;

  const api = async (method: string, p: string, body?: unknown) => {
    const res = await fetch(`${url}${p}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const createIdentity = async (name: string) =>
    (await api("POST", "/api/v1/identities", { name, organizationId: orgId, role: "member" })).body.identity.id as string;
  const rows = () => browser.page.getByRole("table").locator("tbody tr");

  beforeAll(async () => {
    // The stand-in knows no user: every signature is rejected by "OCI".
    oci = await startOciStandIn({ users: [] });
    cleanups.push(() => oci.close());
    const data = tempDataDir();
    cleanups.push(data.remove);
    const app = await startApp({ PGLITE_DIR: data.dir, OCI_IDENTITY_ENDPOINT: oci.url });
    cleanups.push(() => stop(app.child));
    url = app.url;
    const boot = await fetch(`${url}/api/v1/admin/bootstrap`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...ADMIN, organization: "Acme" }),
    });
    const booted = (await boot.json()) as any;
    orgId = booted.organization.id;
    adminToken = booted.identity.credentials.token;

    alpha = await createIdentity("alpha");
    expect((await api("PATCH", `/api/v1/identities/${alpha}`, { role: "viewer" })).status).toBe(200);
    expect((await api("POST", `/api/v1/auth/oci-auth/identities/${alpha}`, { tenancyOcid })).status).toBe(200);
    expect((await api("PATCH", `/api/v1/auth/oci-auth/identities/${alpha}`, { accessTokenTTL: 3600 })).status).toBe(200);
    const headers = await signGetUserWithOciCommon({
      tenancyOcid,
      userOcid: intruder.id,
      fingerprint: intruder.key.fingerprint,
      privateKeyPem: intruder.key.privateKeyPem,
    });
    const login = await fetch(`${url}/api/v1/auth/oci-auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ identityId: alpha, userOcid: intruder.id, headers }),
    });
    expect(login.status).toBe(401);
    // Enough identities for two pages of the list (20 a page) and of the log (25 a page).
    for (let i = 1; i <= 22; i++) await createIdentity(`beta-${String(i).padStart(2, "0")}`);

    browser = await launchBrowser(url);
    cleanups.push(() => browser.close());
    await browser.go("/login?next=%2Faudit");
    await browser.page.getByLabel("Email").fill(ADMIN.email);
    await browser.page.getByLabel("Password").fill(ADMIN.password);
    await browser.page.getByRole("button", { name: "Sign in" }).click();
    await browser.page.waitForURL((u) => u.pathname === "/audit");
  });

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it("events read as names (the raw type beside them); updates show old → new values", async () => {
    const { page } = browser;
    const table = page.getByRole("table");
    await table.getByText("Identity created").first().waitFor();
    await page.getByLabel("About identity").selectOption({ label: "alpha" });
    await page.waitForURL((u) => u.searchParams.get("identity") === alpha);
    await expect.poll(() => rows().count()).toBe(5);

    const update = rows().filter({ hasText: "Identity updated" });
    await update.getByText("update-identity", { exact: true }).waitFor();
    const changes = update.getByRole("list", { name: "Changes" });
    expect((await changes.textContent())!.replaceAll(/\s+/g, " ")).toBe("role: member → viewer");
    await changes.locator(".diff-old").getByText("member").waitFor();

    const ociUpdate = rows().filter({ hasText: "OCI auth updated" });
    expect((await ociUpdate.getByRole("list", { name: "Changes" }).textContent())!.replaceAll(/\s+/g, " ")).toBe(
      "accessTokenTTL: 2592000 → 3600",
    );

    const failed = rows().filter({ hasText: "Identity login failed (OCI)" });
    await failed.getByText("login-identity-oci-auth-failed", { exact: true }).waitFor();
    await failed.getByText(`ociUserOcid: ${intruder.id}`).waitFor();
    await failed.getByText("reasonCode: oci_rejected").waitFor();
    await browser.capture("audit-identity-filter");
  });

  it("filters live in the URL: a reload keeps them, back/forward step through them", async () => {
    const { page } = browser;
    await page.getByLabel("Event type").selectOption({ label: "Identity updated" });
    await page.waitForURL((u) => u.searchParams.get("eventType") === "update-identity");
    await expect.poll(() => rows().count()).toBe(1);
    await page.reload({ waitUntil: "networkidle" });
    expect(await page.getByLabel("Event type").inputValue()).toBe("update-identity");
    expect(await page.getByLabel("About identity").inputValue()).toBe(alpha);
    await expect.poll(() => rows().count()).toBe(1);

    // Back and forward stay in the page (no request to wait for): the form follows the URL on the next render.
    await page.goBack({ waitUntil: "networkidle" });
    expect(new URL(page.url()).searchParams.get("eventType")).toBeNull();
    await expect.poll(() => page.getByLabel("Event type").inputValue()).toBe("");
    await expect.poll(() => rows().count()).toBe(5);
    await page.goForward({ waitUntil: "networkidle" });
    expect(new URL(page.url()).searchParams.get("eventType")).toBe("update-identity");
    await expect.poll(() => page.getByLabel("Event type").inputValue()).toBe("update-identity");
    await expect.poll(() => rows().count()).toBe(1);
  });

  it("exports the filtered view as CSV and JSON lines", async () => {
    const { page } = browser;
    await page.getByLabel("Event type").selectOption("");
    await expect.poll(() => rows().count()).toBe(5);

    const [csv] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export CSV" }).click()]);
    expect(csv.suggestedFilename()).toMatch(/^audit-log-\d{8}T\d{6}Z\.csv$/);
    const lines = readFileSync((await csv.path())!, "utf8").split("\r\n");
    expect(lines[0]).toBe("createdAt,eventType,event,actorType,actorId,actorName,identityId,ipAddress,userAgent,metadata,id");
    expect(lines.slice(1, -1).map((line) => line.split(",")[1])).toEqual([
      "login-identity-oci-auth-failed",
      "update-identity-oci-auth",
      "add-identity-oci-auth",
      "update-identity",
      "create-identity",
    ]);

    const [jsonl] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export JSON lines" }).click()]);
    expect(jsonl.suggestedFilename()).toMatch(/\.jsonl$/);
    const events = readFileSync((await jsonl.path())!, "utf8")
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(events).toHaveLength(5);
    expect(events[0]).toMatchObject({
      eventLabel: "Identity login failed (OCI)",
      metadata: { identityId: alpha, ociUserOcid: intruder.id },
    });
    expect(events[3]).toMatchObject({ metadata: { before: { role: "member" }, after: { role: "viewer" } } });
  });

  it("the page of the log lives in the URL too", async () => {
    const { page } = browser;
    await page.getByRole("button", { name: "Clear filters" }).first().click();
    await page.waitForURL((u) => u.search === "");
    await page.getByText(/^Showing 1–25 of/).waitFor();
    await page.getByRole("button", { name: "Next" }).click();
    await page.waitForURL((u) => u.searchParams.get("page") === "2");
    await page.getByText(/^Showing 26–/).waitFor();
    await page.reload({ waitUntil: "networkidle" });
    await page.getByText(/^Showing 26–/).waitFor();
    await page.goBack({ waitUntil: "networkidle" });
    await page.getByText(/^Showing 1–25 of/).waitFor();
  });

  it("identities: search and page live in the URL", async () => {
    const { page } = browser;
    await browser.go("/identities");
    const list = page.getByRole("region", { name: "Identity list" });
    await page.getByText("Showing 1–20 of 24").waitFor();
    await page.getByRole("button", { name: "Next" }).click();
    await page.waitForURL((u) => u.searchParams.get("page") === "2");
    await page.getByText("Showing 21–24 of 24").waitFor();
    await page.reload({ waitUntil: "networkidle" });
    await page.getByText("Showing 21–24 of 24").waitFor();

    await page.getByLabel("Search by name").fill("beta-1");
    await page.waitForURL((u) => u.searchParams.get("q") === "beta-1" && !u.searchParams.has("page"));
    await expect.poll(() => list.locator("tbody tr").count()).toBe(10);
    await page.reload({ waitUntil: "networkidle" });
    expect(await page.getByLabel("Search by name").inputValue()).toBe("beta-1");
    await expect.poll(() => list.locator("tbody tr").count()).toBe(10);
    await browser.capture("identities-search-in-url");

    // Typing replaces the current entry (no entry per keystroke): back returns to the entry before
    // it, the first page of the full list, and the search box follows the URL.
    await page.goBack({ waitUntil: "networkidle" });
    await page.waitForURL((u) => u.pathname === "/identities" && u.search === "");
    await page.getByText("Showing 1–20 of 24").waitFor();
    await expect.poll(() => page.getByLabel("Search by name").inputValue()).toBe("");
    await page.goForward({ waitUntil: "networkidle" });
    await expect.poll(() => page.getByLabel("Search by name").inputValue()).toBe("beta-1");
    await expect.poll(() => list.locator("tbody tr").count()).toBe(10);
    expect(browser.pageErrors).toEqual([]);
  });
});
