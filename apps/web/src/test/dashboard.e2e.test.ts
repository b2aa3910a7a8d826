import { messages } from "@ociauth/schema";
import { createTestApiKey, createTestOcid, type OciStandIn, signGetUserWithOciCommon, startOciStandIn } from "@ociauth/oci-stand-in";
import type { BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Browser, launchBrowser } from "./browser";
import { startApp, stop, tempDataDir } from "./run-app";
import { restApiOf } from "./rest-api";

/**
 * The operator dashboard end to end: `pnpm start` (production build) on a fresh PGlite folder,
 * driven by Debian's Chromium in headless mode, plus the OCI stand-in so a workload can log in
 * and get a token the operator then sees and revokes. Screenshots of every page at 1280 and 390
 * pixels go to test-results/screenshots/ (and each width is checked for horizontal overflow).
 */

const ADMIN = { email: "operator@example.com", password: "a-long-operator-password", organization: "Acme Robotics" };

describe("operator dashboard (headless Chromium against pnpm start)", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  const tenancyOcid = createTestOcid("tenancy");
  const userOcid = createTestOcid("user");
  const key = createTestApiKey();
  let oci: OciStandIn;
  let url: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let pageErrors: string[];
  let consoleErrors: string[];

  // Shared by the steps below (they run in order, as one operator's session).
  let adminToken = "";
  let identityId = "";
  let workloadToken = "";

  beforeAll(async () => {
    oci = await startOciStandIn({
      users: [{ id: userOcid, compartmentId: tenancyOcid, name: "deployer", publicKeys: [key.publicKeyPem] }],
    });
    cleanups.push(() => oci.close());
    const data = tempDataDir();
    cleanups.push(data.remove);
    const app = await startApp({ PGLITE_DIR: data.dir, OCI_IDENTITY_ENDPOINT: oci.url });
    cleanups.push(() => stop(app.child));
    url = app.url;

    browser = await launchBrowser(url);
    cleanups.push(() => browser.close());
    ({ context, page, pageErrors, consoleErrors } = browser);
  });

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  const go = (p: string) => browser.go(p);
  const capture = (name: string, target?: Page) => browser.capture(name, target);

  const api = restApiOf(() => url);

  const dialog = () => page.getByRole("dialog");
  const ociSection = () => page.getByRole("region", { name: /OCI Auth/ });
  const tokensSection = () => page.getByRole("region", { name: "Access tokens" });
  const rowWith = (scope: Locator, text: string | RegExp) => scope.getByRole("row").filter({ hasText: text });

  it("first run: / leads to /setup, which validates with the API's messages and shows the admin token once", async () => {
    await go("/");
    expect(new URL(page.url()).pathname).toBe("/setup");
    await capture("setup");

    await page.getByRole("button", { name: "Create administrator and organization" }).click();
    await expect.poll(() => page.getByText("Organization name cannot be empty").isVisible()).toBe(true);
    await expect.poll(() => page.getByText("Enter a valid email address").isVisible()).toBe(true);
    await expect.poll(() => page.getByText("Password must be at least 12 characters").first().isVisible()).toBe(true);

    await page.getByLabel("Organization name").fill(ADMIN.organization);
    await page.getByLabel("Admin email").fill(ADMIN.email);
    await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
    await page.getByLabel("Confirm password").fill("something-else-entirely");
    await page.getByRole("button", { name: "Create administrator and organization" }).click();
    await page.getByText("The passwords do not match").waitFor();
    await page.getByLabel("Confirm password").fill(ADMIN.password);
    await page.getByRole("button", { name: "Create administrator and organization" }).click();

    await page.getByRole("heading", { name: "Your instance is ready" }).waitFor();
    await page.getByText("Copy the admin identity token now: it will not be shown again.").waitFor();
    adminToken = await page.getByLabel("Admin identity token").inputValue();
    expect(adminToken).toMatch(/^eyJ/);
    await page.getByRole("button", { name: "Copy token" }).click();
    await page.getByRole("button", { name: "Copied" }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(adminToken);
    // It is a working admin identity token.
    expect((await api("GET", "/api/v1/identities", adminToken)).status).toBe(200);
    await capture("setup-token");

    // Shown once: the setup page is gone for good.
    await go("/setup");
    expect(new URL(page.url()).pathname).toBe("/login");
    expect(await page.getByText(adminToken).count()).toBe(0);
  });

  it("pages need a session: without one they lead to /login (and back after signing in)", async () => {
    for (const p of ["/identities", "/audit", "/identities/00000000-0000-4000-8000-000000000000"]) {
      await go(p);
      const landed = new URL(page.url());
      expect(landed.pathname, p).toBe("/login");
      expect(landed.searchParams.get("next"), p).toBe(p);
    }
    // The tRPC endpoint answers 401 too: pages do not leak data to anonymous browsers.
    const res = await page.request.get(`${url}/api/trpc/identities.list?input=${encodeURIComponent("{}")}`);
    expect(res.status()).toBe(401);

    // A stale or forged cookie is not a session either.
    await context.addCookies([{ name: "ociauth_session", value: "not-a-session", url }]);
    await go("/identities");
    expect(new URL(page.url()).pathname).toBe("/login");
    await page.getByText("Your session has ended. Sign in again to continue.").waitFor();
    await context.clearCookies();
  });

  it("/login: wrong password is refused with the API's message; the right one sets the HTTP-only session cookie", async () => {
    await go("/audit");
    expect(new URL(page.url()).pathname).toBe("/login");
    await capture("login");

    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByText("Enter a valid email address").waitFor();
    await page.getByLabel("Email").fill(ADMIN.email);
    await page.getByLabel("Password").fill("wrong-password-123");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByText(messages.invalidCredentials).waitFor();

    await page.getByLabel("Password").fill(ADMIN.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/audit$/); // back to where the operator was going
    await page.getByRole("heading", { name: "Audit log" }).waitFor();

    const cookie = (await context.cookies(url)).find((c) => c.name === "ociauth_session");
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/", secure: false });
    const hoursLeft = (cookie!.expires * 1000 - Date.now()) / 3_600_000;
    expect(hoursLeft).toBeGreaterThan(11.9); // SESSION_TTL_SECONDS default: 12 hours
    expect(hoursLeft).toBeLessThanOrEqual(12);
    expect(await page.evaluate(() => document.cookie)).not.toContain("ociauth_session");
  });

  it("/identities: lists identities, creates one (validated in the browser), keyboard reachable", async () => {
    await go("/identities");
    await page.getByRole("heading", { name: "Machine identities" }).waitFor();
    await rowWith(page.getByRole("table"), "admin").waitFor();
    await capture("identities");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Skip to content");

    await page.getByRole("button", { name: "Create identity" }).click();
    await dialog().getByRole("button", { name: "Create identity" }).click();
    await dialog().getByText("Name cannot be empty").waitFor();
    await capture("identity-create-dialog");
    await page.keyboard.press("Escape");
    await dialog().waitFor({ state: "hidden" });

    await page.getByRole("button", { name: "Create identity" }).click();
    await dialog().getByLabel("Name").fill("ci-runner");
    await dialog().getByLabel("Role in the organization").selectOption("member");
    await dialog().getByRole("button", { name: "Create identity" }).click();
    await page.waitForURL(/\/identities\/[0-9a-f-]{36}\?created=1$/);
    identityId = new URL(page.url()).pathname.split("/").at(-1)!;
    await page.getByRole("heading", { name: /ci-runner/ }).waitFor();
    await page.getByText("Identity created. Attach OCI auth below").waitFor();
  });

  it("OCI auth: every field with its default, inline messages identical to the API's, then attach", async () => {
    const section = ociSection();
    await section.getByText("Not configured", { exact: true }).waitFor();
    // The documented defaults, with human-readable TTL previews.
    expect(await section.getByLabel("Tenancy OCID").inputValue()).toBe("");
    expect(await section.getByLabel(/Allowed usernames/).inputValue()).toBe("");
    expect(await section.getByLabel("Trusted IP 1", { exact: true }).inputValue()).toBe("0.0.0.0/0");
    expect(await section.getByLabel("Trusted IP 2", { exact: true }).inputValue()).toBe("::/0");
    expect(await section.getByLabel("Access token TTL (seconds)").inputValue()).toBe("2592000");
    expect(await section.getByLabel("Access token max TTL (seconds)").inputValue()).toBe("2592000");
    expect(await section.getByLabel("Uses per token").inputValue()).toBe("0");
    expect(await section.getByText("= 30 days").count()).toBe(2);
    await section.getByText("Unlimited uses").waitFor();

    // An invalid tenancy: the browser shows exactly what the API answers.
    const badTenancy = "ocid1.tenancy.oc2..aaaaaaaabad";
    await section.getByLabel("Tenancy OCID").fill(badTenancy);
    await section.getByRole("button", { name: "+ Add IP address" }).click();
    await section.getByLabel("Trusted IP 3", { exact: true }).fill("10.0.0.300/8");
    await section.getByLabel("Access token TTL (seconds)").fill("3600");
    await section.getByText("= 1 hour").waitFor();
    await section.getByRole("button", { name: "Attach OCI auth" }).click();
    await section.getByText(messages.tenancyFormat).waitFor();
    await section.getByText(messages.trustedIpInvalid).waitFor();
    const viaApi = await api("POST", `/api/v1/auth/oci-auth/identities/${identityId}`, adminToken, { tenancyOcid: badTenancy });
    expect(viaApi.status).toBe(422);
    expect(viaApi.body.message.map((i: { message: string }) => i.message)).toEqual([messages.tenancyFormat]);
    await capture("identity-attach-invalid");

    // Fix it: a valid tenancy, the bad row removed, an allow-list of usernames.
    await section.getByLabel("Tenancy OCID").fill(tenancyOcid);
    await section.getByRole("button", { name: /Remove trusted IP 3/ }).click();
    expect(await section.getByLabel("Trusted IP 3", { exact: true }).count()).toBe(0);
    await section.getByLabel(/Allowed usernames/).fill(" deployer ,, ci-bot ");
    await section.getByLabel("Access token TTL (seconds)").fill("2592000");
    await section.getByRole("button", { name: "Attach OCI auth" }).click();
    await section.getByText("OCI auth attached.").waitFor();

    // The stored config is shown (usernames normalised, IPs parsed).
    const stored = section.getByRole("definition");
    await stored.filter({ hasText: tenancyOcid }).waitFor();
    await section
      .getByRole("listitem")
      .filter({ hasText: /^deployer$/ })
      .waitFor();
    await section
      .getByRole("listitem")
      .filter({ hasText: /^ci-bot$/ })
      .waitFor();
    await section.getByRole("listitem").filter({ hasText: "0.0.0.0/0" }).waitFor();
    const config = await api("GET", `/api/v1/auth/oci-auth/identities/${identityId}`, adminToken);
    expect(config.body.identityOciAuth).toMatchObject({ tenancyOcid, allowedUsernames: "deployer, ci-bot", accessTokenTTL: 2592000 });
  });

  it("tokens: a workload logs in through OCI; the operator sees the token, then edits the config", async () => {
    const headers = await signGetUserWithOciCommon({
      tenancyOcid,
      userOcid,
      fingerprint: key.fingerprint,
      privateKeyPem: key.privateKeyPem,
    });
    const login = await api("POST", "/api/v1/auth/oci-auth/login", undefined, { identityId, userOcid, headers });
    expect(login.status).toBe(200);
    workloadToken = login.body.accessToken;
    expect((await api("GET", `/api/v1/identities/${identityId}`, workloadToken)).status).toBe(200); // one use

    const tokens = tokensSection();
    await tokens.getByRole("button", { name: "Refresh" }).click();
    const row = rowWith(tokens, "OCI auth");
    await row.getByText("Active").waitFor();
    await row.getByText("1 (unlimited)").waitFor();
    await row.getByText("from 127.0.0.1").waitFor();
    await row.getByText("::/0").waitFor();

    // Edit: the cross-field rule shows the API's message; then a valid change is saved.
    const section = ociSection();
    await section.getByRole("button", { name: "Edit configuration" }).click();
    await section.getByLabel("Access token TTL (seconds)").fill("3600");
    await section.getByLabel("Access token max TTL (seconds)").fill("60");
    await section.getByLabel("Access token max TTL (seconds)").blur();
    await section.getByText(messages.ttlAboveMax).waitFor();
    await capture("identity-edit-invalid");
    await section.getByLabel("Access token max TTL (seconds)").fill("86400");
    await section.getByText("= 1 day").waitFor();
    expect(await section.getByText(messages.ttlAboveMax).count()).toBe(0);
    await section.getByRole("button", { name: "Save changes" }).click();
    await section.getByText("Saved: TTL, max TTL.").waitFor();
    await section.getByRole("definition").filter({ hasText: "1 hour" }).waitFor();
    await section.getByRole("definition").filter({ hasText: "1 day" }).waitFor();
    const config = await api("GET", `/api/v1/auth/oci-auth/identities/${identityId}`, adminToken);
    expect(config.body.identityOciAuth).toMatchObject({
      accessTokenTTL: 3600,
      accessTokenMaxTTL: 86400,
      allowedUsernames: "deployer, ci-bot",
    });
    await capture("identity-oci-auth");
  });

  it("/audit: the changes are in the log, filterable by event type and actor, with the caller's IP", async () => {
    await page.getByRole("link", { name: "Audit log" }).click();
    await page.getByRole("heading", { name: "Audit log" }).waitFor();
    const table = page.getByRole("table");
    for (const type of [
      "add-identity-oci-auth",
      "update-identity-oci-auth",
      "login-identity-oci-auth",
      "create-identity",
      "login-user",
      "bootstrap-instance",
    ]) {
      await table.getByText(type, { exact: true }).first().waitFor();
    }
    await capture("audit");

    await page.getByLabel("Event type").selectOption("update-identity-oci-auth");
    await page.waitForURL(/eventType=update-identity-oci-auth/);
    await expect.poll(() => table.locator("tbody tr").count()).toBe(1);
    const update = table.locator("tbody tr").first();
    await update.getByText("update-identity-oci-auth").waitFor();
    await update.getByText(ADMIN.email).waitFor();
    await update.getByRole("cell", { name: "127.0.0.1", exact: true }).waitFor(); // the socket address reaches dashboard actions too
    await update.getByText("changedFields: accessTokenTTL, accessTokenMaxTTL").waitFor();

    // By actor: the workload's login events are the identity's, not the operator's.
    await page.getByLabel("Event type").selectOption("");
    await page.getByLabel("Actor").selectOption({ label: `You (${ADMIN.email})` });
    await expect.poll(() => table.getByText("login-identity-oci-auth").count()).toBe(0);
    await table.getByText("add-identity-oci-auth").waitFor();

    // A time range in the future has no events: an empty state that says what to do.
    await page.getByLabel("From (UTC)").fill("2099-01-01T00:00");
    await page.getByText("No events match these filters").waitFor();
    await capture("audit-empty");
    await page.getByRole("button", { name: "Clear filters" }).first().click();
    await table.getByText("login-identity-oci-auth").first().waitFor();
  });

  it("revokes the workload's token, then the OCI auth configuration (with confirmation)", async () => {
    await go(`/identities/${identityId}`);
    const tokens = tokensSection();
    const row = rowWith(tokens, "OCI auth");
    await row.getByRole("button", { name: /Revoke token/ }).click();
    await dialog().getByRole("heading", { name: "Revoke this access token?" }).waitFor();
    await dialog().getByRole("button", { name: "Revoke token" }).click();
    await tokens.getByText(/was revoked/).waitFor();
    await row.getByText("Revoked", { exact: true }).waitFor();
    expect((await api("GET", `/api/v1/identities/${identityId}`, workloadToken)).status).toBe(401);

    const section = ociSection();
    await section.getByRole("button", { name: "Revoke OCI auth" }).click();
    await dialog()
      .getByText(/revokes every access token issued/)
      .waitFor();
    await dialog().getByRole("button", { name: "Cancel" }).click();
    await dialog().waitFor({ state: "hidden" });
    expect((await api("GET", `/api/v1/auth/oci-auth/identities/${identityId}`, adminToken)).status).toBe(200);

    await section.getByRole("button", { name: "Revoke OCI auth" }).click();
    await dialog().getByRole("button", { name: "Revoke OCI auth" }).click();
    await section.getByText("OCI auth was revoked").waitFor();
    await section.getByRole("button", { name: "Attach OCI auth" }).waitFor(); // back to the attach form
    const gone = await api("GET", `/api/v1/auth/oci-auth/identities/${identityId}`, adminToken);
    expect(gone).toMatchObject({ status: 404, body: { message: messages.ociAuthNotAttached } });

    await go("/audit?eventType=revoke-identity-oci-auth");
    await page.getByRole("table").getByText("revoke-identity-oci-auth").waitFor();
    await go("/audit?eventType=revoke-identity-access-token");
    await page.getByRole("table").getByText("revoke-identity-access-token").waitFor();
  });

  it("/identities: rename and change role, search with an empty state, delete with confirmation; unknown ids are a 404 page", async () => {
    await go("/identities");
    const table = page.getByRole("table");
    await page.getByRole("button", { name: "Edit ci-runner" }).click();
    await dialog().getByLabel("Name").fill("ci-runner-eu");
    await dialog().getByLabel("Role in the organization").selectOption("viewer");
    await dialog().getByRole("button", { name: "Save changes" }).click();
    await page.getByText("Saved ci-runner-eu.").waitFor();
    await rowWith(table, "ci-runner-eu").getByText("Viewer").waitFor();

    await page.getByLabel("Search by name").fill("no-such-identity");
    await page.getByText("No identities match “no-such-identity”").waitFor();
    await capture("identities-empty-search");
    await page.getByRole("button", { name: "Clear search" }).click();
    await rowWith(table, "ci-runner-eu").waitFor();

    await page.getByRole("button", { name: "Delete ci-runner-eu" }).click();
    await dialog()
      .getByText(/permanently deletes the identity/)
      .waitFor();
    // The delete button stays disabled until the identity's name is typed exactly.
    expect(await dialog().getByRole("button", { name: "Delete identity" }).isDisabled()).toBe(true);
    await dialog()
      .getByLabel(/to confirm/)
      .fill("ci-runner-eu");
    await capture("identity-delete-dialog");
    await dialog().getByRole("button", { name: "Delete identity" }).click();
    await page.getByText("Deleted ci-runner-eu.").waitFor();
    expect(await table.getByText("ci-runner-eu").count()).toBe(0);
    expect((await api("GET", `/api/v1/identities/${identityId}`, adminToken)).status).toBe(404);

    await go(`/identities/${identityId}`);
    await page.getByRole("heading", { name: "Identity not found" }).waitFor();
    await capture("identity-not-found");
  });

  it("delete protection: shown in the list and on the page, toggled there; deleting a protected identity shows the server's refusal", async () => {
    const orgId = (await api("GET", "/api/v1/identities", adminToken)).body.identities[0].orgId as string;
    const created = await api("POST", "/api/v1/identities", adminToken, { name: "billing-svc", orgId, role: "member" });
    expect(created.status).toBe(200);
    const guardedId = created.body.identity.id as string;

    await go("/identities");
    const table = page.getByRole("table");
    // The bootstrap's admin identity is protected from the start; a new identity is not.
    await rowWith(table, "admin").getByText("Delete protection").waitFor();
    expect(await rowWith(table, "billing-svc").getByText("Delete protection").count()).toBe(0);

    await page.getByRole("link", { name: "Open billing-svc" }).click();
    await page.getByRole("heading", { name: /billing-svc/ }).waitFor();
    const toggle = page.getByRole("switch", { name: /Delete protection/ });
    expect(await toggle.isChecked()).toBe(false);
    await toggle.click();
    await page.getByText("(on)").waitFor();
    expect(await toggle.isChecked()).toBe(true);
    await page
      .getByRole("heading", { name: /billing-svc/ })
      .getByText("Delete protection")
      .waitFor();
    expect((await api("GET", `/api/v1/identities/${guardedId}`, adminToken)).body.identity.identity.hasDeleteProtection).toBe(true);
    await capture("identity-delete-protection");

    await page.getByRole("button", { name: "Delete identity" }).click();
    await dialog().getByText("Delete protection is on for this identity").waitFor();
    await dialog()
      .getByLabel(/to confirm/)
      .fill("billing-svc");
    await dialog().getByRole("button", { name: "Delete identity" }).click();
    await dialog().getByRole("alert").getByText(messages.identityDeleteProtected).waitFor();
    await capture("identity-delete-refused");
    await dialog().getByRole("button", { name: "Cancel" }).click();
    await dialog().waitFor({ state: "hidden" });
    expect((await api("GET", `/api/v1/identities/${guardedId}`, adminToken)).status).toBe(200);

    await go("/identities");
    await rowWith(table, "billing-svc").getByText("Delete protection").waitFor();

    await go(`/identities/${guardedId}`);
    await toggle.click();
    await page.getByText("(off)").waitFor();
    expect((await api("GET", `/api/v1/identities/${guardedId}`, adminToken)).body.identity.identity.hasDeleteProtection).toBe(false);
    await page.getByRole("button", { name: "Delete identity" }).click();
    await dialog()
      .getByLabel(/to confirm/)
      .fill("billing-svc");
    await dialog().getByRole("button", { name: "Delete identity" }).click();
    await page.waitForURL(/\/identities$/);
    expect((await api("GET", `/api/v1/identities/${guardedId}`, adminToken)).status).toBe(404);
  });

  it("sign out revokes the session and clears the cookie", async () => {
    await go("/identities");
    const session = (await context.cookies(url)).find((c) => c.name === "ociauth_session")!.value;
    expect((await api("GET", "/api/v1/identities", session)).status).toBe(200);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/login\?reason=signed-out$/);
    await page.getByText("You have signed out.").waitFor();
    expect((await context.cookies(url)).find((c) => c.name === "ociauth_session")).toBeUndefined();
    expect((await api("GET", "/api/v1/identities", session)).status).toBe(401); // revoked server-side
    await go("/identities");
    expect(new URL(page.url()).pathname).toBe("/login");
  });

  it("rendered without client errors (no hydration mismatches, no failed scripts)", () => {
    expect(pageErrors).toEqual([]);
    // Expected: the anonymous tRPC probe above (401) is made by page.request, not the page; the
    // refused delete of a protected identity is a 400 the browser logs.
    expect(consoleErrors.filter((text) => !/status of 40[014]/.test(text))).toEqual([]);
  });
});
