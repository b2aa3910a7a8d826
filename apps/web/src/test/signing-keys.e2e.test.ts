import { audienceSchema } from "@ociauth/schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Browser, launchBrowser } from "./browser";
import { startApp, stop, tempDataDir } from "./run-app";
import { restApiOf } from "./rest-api";

/**
 * Issue 22 in the dashboard (headless Chromium against `pnpm start`): the admin sees the signing
 * key on Settings → Signing keys, rotates it after a confirmation, and sees the new key signing and
 * the old one still published for the tokens it signed, the JWKS listing the new kid; a viewer is
 * shown the API's refusal and no rotate button. On the identity page the admin sets allowed
 * audiences (kept across a reload, as the API reports them), and an audience with a space shows the
 * schema's message and saves nothing.
 */

const ADMIN = { email: "owner@example.com", password: "a-long-owner-password" };
const VIEWER = { email: "viewer@example.com", password: "a-long-viewer-password" };

describe("signing keys page and allowed audiences", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  let url: string;
  let adminToken: string;
  let identityId: string;
  let browser: Browser;
  let firstKid: string;

  const api = restApiOf(() => url);
  const jwksKids = async () => ((await api("GET", "/.well-known/jwks.json")).body.keys as { kid: string }[]).map((k) => k.kid);
  const keyRows = () => browser.page.getByRole("table", { name: "Signing keys" }).locator("tbody tr");
  /** Each row of the keys table as the page shows it. */
  const shownKeys = async () =>
    keyRows().evaluateAll((rows) =>
      rows.map((row) => {
        const cells = [...row.querySelectorAll("td")].map((td) => td.textContent!.trim());
        return { kid: cells[0]!, state: cells[3]!, liveTokens: Number(cells[4]!.replace(/,/g, "")) };
      }),
    );
  const audiences = () => browser.page.getByRole("region", { name: "Allowed audiences" });
  const audienceInputs = () => audiences().getByRole("textbox");
  const storedAudiences = async () => (await api("GET", `/api/v1/identities/${identityId}`, adminToken)).body.identity.allowedAudiences;

  beforeAll(async () => {
    const data = tempDataDir();
    cleanups.push(data.remove);
    const app = await startApp({ PGLITE_DIR: data.dir });
    cleanups.push(() => stop(app.child));
    url = app.url;
    const boot = await api("POST", "/api/v1/admin/bootstrap", undefined, { ...ADMIN, organization: "Acme" });
    expect(boot.status).toBe(200);
    adminToken = boot.body.identity.credentials.token;
    const orgId = boot.body.organization.id;
    const created = await api("POST", "/api/v1/identities", adminToken, { name: "ci-runner", organizationId: orgId, role: "member" });
    expect(created.status).toBe(200);
    identityId = created.body.identity.id;
    // A human adds users (the bootstrap identity may not): the admin's own API session adds a viewer.
    const login = await api("POST", "/api/v1/auth/login", undefined, ADMIN);
    expect(login.status).toBe(200);
    const viewer = await api("POST", `/api/v1/organizations/${orgId}/users`, login.body.token, { ...VIEWER, role: "viewer" });
    expect(viewer.status).toBe(200);

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
  });

  it("Settings → Signing keys shows the one signing key, the one the JWKS publishes", async () => {
    const { page } = browser;
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Signing keys" }).click();
    await page.waitForURL((u) => u.pathname === "/settings/signing-keys");
    await page.getByRole("heading", { name: "Signing keys", level: 1 }).waitFor();
    await page.getByRole("heading", { name: "What rotation does" }).waitFor();
    await expect.poll(() => keyRows().count()).toBe(1);
    const [key] = await shownKeys();
    expect(key!.state).toBe("Signing");
    // The bootstrap token and this browser's session were signed with it.
    expect(key!.liveTokens).toBeGreaterThanOrEqual(2);
    firstKid = key!.kid;
    expect(await jwksKids()).toEqual([firstKid]);
    await browser.capture("signing-keys");
  });

  it("rotating asks first: Cancel changes nothing, confirming makes a new signing key and keeps the old one published", async () => {
    const { page } = browser;
    await page.getByRole("button", { name: "Rotate signing key" }).click();
    const dialog = page.getByRole("dialog", { name: "Rotate the signing key?" });
    await dialog.getByText(firstKid).waitFor();
    // Cancel has the focus: Enter would not rotate by accident.
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe("Cancel");
    await browser.capture("signing-keys-rotate");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "hidden" });
    await page.getByRole("button", { name: "Refresh" }).click();
    await page.waitForLoadState("networkidle");
    expect(await keyRows().count()).toBe(1);
    expect(await jwksKids()).toEqual([firstKid]);

    await page.getByRole("button", { name: "Rotate signing key" }).click();
    await dialog.getByRole("button", { name: "Rotate signing key" }).click();
    const notice = page.getByRole("status").filter({ hasText: "Rotated: new tokens are now signed with key" });
    await notice.waitFor();
    await expect.poll(() => keyRows().count()).toBe(2);
    const [newest, old] = await shownKeys();
    expect(newest!.kid).not.toBe(firstKid);
    expect(newest!.state).toBe("Signing");
    expect(await notice.textContent()).toContain(newest!.kid);
    expect(old!.kid).toBe(firstKid);
    // Published while a token it signed lives, retired once none does: this session still does.
    expect(old!.state).toBe(old!.liveTokens > 0 ? "Published" : "Retired");
    expect(old!.liveTokens).toBeGreaterThanOrEqual(1);
    expect(old!.state).toBe("Published");
    expect((await jwksKids()).sort()).toEqual([newest!.kid, firstKid].sort());

    // The session signed with the old key still works; a new login is signed with the new key.
    await browser.go("/settings/signing-keys");
    await expect.poll(() => keyRows().count()).toBe(2);
    const login = await api("POST", "/api/v1/auth/login", undefined, ADMIN);
    const header = JSON.parse(Buffer.from(login.body.token.split(".")[0], "base64url").toString());
    expect(header).toMatchObject({ alg: "ES256", kid: newest!.kid });
    await browser.capture("signing-keys-rotated");
  });

  it("a viewer gets the API's refusal and no rotate button", async () => {
    const viewer = await launchBrowser(url);
    try {
      await viewer.go(`/login?next=${encodeURIComponent("/settings/signing-keys")}`);
      await viewer.page.getByLabel("Email").fill(VIEWER.email);
      await viewer.page.getByLabel("Password").fill(VIEWER.password);
      await viewer.page.getByRole("button", { name: "Sign in" }).click();
      await viewer.page.waitForURL((u) => u.pathname === "/settings/signing-keys");
      const refusal = await api(
        "GET",
        "/api/v1/admin/signing-keys",
        (await api("POST", "/api/v1/auth/login", undefined, VIEWER)).body.token,
      );
      expect(refusal.status).toBe(403);
      const alert = viewer.page.getByRole("alert").filter({ hasText: "Could not load the signing keys" });
      await alert.waitFor();
      expect(await alert.textContent()).toContain(refusal.body.message);
      expect(await viewer.page.getByRole("button", { name: "Rotate signing key" }).count()).toBe(0);
      expect(viewer.pageErrors).toEqual([]);
    } finally {
      await viewer.close();
    }
  });

  it("the identity page sets allowed audiences; they are there after a reload and in the API", async () => {
    const { page } = browser;
    await browser.go(`/identities/${identityId}`);
    await audiences().getByText("None: its tokens are only for this service.").waitFor();
    await audiences().getByRole("button", { name: "Add audience" }).click();
    // The new field has the focus.
    await page.keyboard.type("sts.amazonaws.com");
    await audiences().getByRole("button", { name: "Add audience" }).click();
    await audiences().getByRole("textbox", { name: "Audience 2" }).fill("billing-api");
    await audiences().getByRole("button", { name: "Save audiences" }).click();
    await audiences().getByText("Saved 2 allowed audiences.").waitFor();
    expect(await storedAudiences()).toEqual(["sts.amazonaws.com", "billing-api"]);

    await page.reload({ waitUntil: "networkidle" });
    await expect
      .poll(() => audienceInputs().evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value)))
      .toEqual(["sts.amazonaws.com", "billing-api"]);
    await browser.capture("identity-allowed-audiences");
  });

  it("an audience with a space shows the API's message and saves nothing", async () => {
    const { page } = browser;
    const message = audienceSchema.safeParse("billing api").error!.issues[0]!.message;
    // The API refuses it with the same message.
    const refused = await api("PATCH", `/api/v1/identities/${identityId}`, adminToken, { allowedAudiences: ["billing api"] });
    expect(refused.status).toBe(422);
    expect(JSON.stringify(refused.body)).toContain(message);

    const requests: string[] = [];
    page.on("request", (request) => {
      if (request.method() === "POST" && request.url().includes("identities.update")) requests.push(request.url());
    });
    await audiences().getByRole("button", { name: "Add audience" }).click();
    await audiences().getByRole("textbox", { name: "Audience 3" }).fill("billing api");
    await audiences().getByRole("button", { name: "Save audiences" }).click();
    await audiences().getByText(message).waitFor();
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.id))
      .toBe(await audiences().getByRole("textbox", { name: "Audience 3" }).getAttribute("id"));
    expect(requests).toEqual([]);
    expect(await storedAudiences()).toEqual(["sts.amazonaws.com", "billing-api"]);

    await page.reload({ waitUntil: "networkidle" });
    expect(await audienceInputs().count()).toBe(2);
    expect(browser.pageErrors).toEqual([]);
  });
});
