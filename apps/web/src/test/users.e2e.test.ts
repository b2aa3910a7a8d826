import { messages } from "@ociauth/schema";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Browser, launchBrowser } from "./browser";
import { startApp, stop, tempDataDir } from "./run-app";
import { callRestApi } from "./rest-api";

/**
 * The Users and Account pages end to end: `pnpm start` on a fresh PGlite folder, bootstrapped
 * through the API, an admin and a second user each in their own headless Chromium. Covers
 * listing, adding, changing roles, removing, resetting passwords, changing one's own password,
 * the last-admin refusal as the operator sees it, a removed user's session refused at once, and
 * the organization ID with its copy button.
 */

const ADMIN = { email: "owner@example.com", password: "a-long-owner-password" };
const BOB = { email: "bob@example.com", password: "bobs-first-password" };
const BOB_RESET = "bobs-reset-password-2";
const ADMIN_NEW = "the-owners-new-password";

describe("users and account pages (headless Chromium against pnpm start)", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  let url: string;
  let orgId: string;
  let admin: Browser;
  let bob: Browser;
  let bobId = "";

  const api = (method: string, path: string, body?: unknown, token?: string) => callRestApi(url, method, path, token, body);
  let identityToken = "";
  const listUsers = async () => (await api("GET", `/api/v1/organizations/${orgId}/users`, undefined, identityToken)).body.users as any[];

  async function signIn(browser: Browser, email: string, password: string, next = "/users") {
    await browser.go(`/login?next=${encodeURIComponent(next)}`);
    await browser.page.getByLabel("Email").fill(email);
    await browser.page.getByLabel("Password").fill(password);
    await browser.page.getByRole("button", { name: "Sign in" }).click();
    await browser.page.waitForURL((u) => u.pathname === next);
  }
  const row = (page: Page, email: string) => page.getByRole("row").filter({ hasText: email });

  beforeAll(async () => {
    const data = tempDataDir();
    cleanups.push(data.remove);
    const app = await startApp({ PGLITE_DIR: data.dir });
    cleanups.push(() => stop(app.child));
    url = app.url;
    const boot = await api("POST", "/api/v1/admin/bootstrap", { ...ADMIN, organization: "Acme" });
    expect(boot.status).toBe(200);
    orgId = boot.body.organization.id;
    identityToken = boot.body.identity.credentials.token;
    admin = await launchBrowser(url);
    cleanups.push(() => admin.close());
    bob = await launchBrowser(url);
    cleanups.push(() => bob.close());
  });

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it("/users lists the users with the signed-in one marked, and shows the organization ID with a copy button", async () => {
    await signIn(admin, ADMIN.email, ADMIN.password);
    const { page } = admin;
    await page.getByRole("heading", { name: "Users" }).waitFor();
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" }).waitFor();
    await row(page, ADMIN.email).getByText("You").waitFor();
    expect(await page.getByTestId("organization-id").textContent()).toBe(orgId);
    await page.getByRole("button", { name: "Copy organization ID" }).click();
    await page.getByRole("button", { name: "Copied" }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(orgId);
    await admin.capture("users");
  });

  it("adds a user through the dialog (validated in the browser with the API's messages)", async () => {
    const { page } = admin;
    await page.getByRole("button", { name: "Add user" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("button", { name: "Add user" }).click();
    await dialog.getByText("Enter a valid email address").waitFor();
    await dialog.getByText("Password must be at least 12 characters").waitFor();
    // The invalid submit focused the first invalid field; with a valid email, the password is next.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("add-user-email");
    await dialog.getByLabel("Email").fill(BOB.email);
    await dialog.getByRole("button", { name: "Add user" }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("add-user-password");
    await dialog.getByLabel("Initial password").fill(BOB.password);
    await dialog.getByLabel("Role in the organization").selectOption("member");
    await admin.capture("users-add");
    await dialog.getByRole("button", { name: "Add user" }).click();
    await page.getByText(`Added ${BOB.email}.`).waitFor();
    await row(page, BOB.email).getByText("Member").waitFor();
    const added = (await listUsers()).find((u) => u.email === BOB.email);
    expect(added).toMatchObject({ role: "member" });
    bobId = added.id;

    // The same email again: the API's refusal in the dialog.
    await page.getByRole("button", { name: "Add user" }).click();
    await dialog.getByLabel("Email").fill(BOB.email.toUpperCase());
    await dialog.getByLabel("Initial password").fill(BOB.password);
    await dialog.getByRole("button", { name: "Add user" }).click();
    await dialog.getByText(messages.userEmailTaken).waitFor();
    await dialog.getByRole("button", { name: "Cancel" }).click();

    await signIn(bob, BOB.email, BOB.password);
    await bob.page.getByRole("heading", { name: "Users" }).waitFor();
    // A member sees no Remove or Reset password buttons (admins only) and cannot touch the admin.
    expect(await bob.page.getByRole("button", { name: /^Remove / }).count()).toBe(0);
    expect(await bob.page.getByRole("button", { name: /^Reset password of/ }).count()).toBe(0);
    expect(await bob.page.getByRole("button", { name: `Change role of ${ADMIN.email}` }).count()).toBe(0);
  });

  it("changes a role; the last admin cannot be demoted or removed, and the page says why", async () => {
    const { page } = admin;
    await page.getByRole("button", { name: `Change role of ${BOB.email}` }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Role in the organization").selectOption("viewer");
    await dialog.getByRole("button", { name: "Save role" }).click();
    await page.getByText(`${BOB.email} is now viewer.`).waitFor();
    expect((await listUsers()).find((u) => u.id === bobId)?.role).toBe("viewer");

    await page.getByRole("button", { name: `Change role of ${ADMIN.email}` }).click();
    await dialog.getByLabel("Role in the organization").selectOption("member");
    await dialog.getByRole("button", { name: "Save role" }).click();
    await dialog.getByText(messages.lastAdmin).waitFor();
    await admin.capture("users-last-admin");
    await dialog.getByRole("button", { name: "Cancel" }).click();

    await page.getByRole("button", { name: `Remove ${ADMIN.email}` }).click();
    await dialog.getByRole("button", { name: "Remove user" }).click();
    await dialog.getByText(messages.lastAdmin).waitFor();
    await dialog.getByRole("button", { name: "Cancel" }).click();
    expect((await listUsers()).find((u) => u.email === ADMIN.email)?.role).toBe("admin");
  });

  it("an admin resets another user's password: that user's session ends, the new password works", async () => {
    const { page } = admin;
    await page.getByRole("button", { name: `Reset password of ${BOB.email}` }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("New password").fill("short");
    await dialog.getByRole("button", { name: "Reset password" }).click();
    await dialog.getByText("Password must be at least 12 characters").waitFor();
    await dialog.getByLabel("New password").fill(BOB_RESET);
    await dialog.getByRole("button", { name: "Reset password" }).click();
    await page.getByText(`Password of ${BOB.email} reset; their sessions have ended.`).waitFor();

    await bob.go("/users");
    expect(new URL(bob.page.url()).pathname).toBe("/login");
    await bob.page.getByText("Your session has ended. Sign in again to continue.").waitFor();
    expect((await api("POST", "/api/v1/auth/login", BOB)).status).toBe(401);
    await signIn(bob, BOB.email, BOB_RESET);
  });

  it("removing a user ends their session at once: their next request is refused", async () => {
    await bob.go("/identities");
    await bob.page.getByRole("heading", { name: "Machine identities" }).waitFor();
    const { page } = admin;
    await page.getByRole("button", { name: `Remove ${BOB.email}` }).click();
    const dialog = page.getByRole("dialog");
    await admin.capture("users-remove");
    await dialog.getByRole("button", { name: "Remove user" }).click();
    await page.getByText(`Removed ${BOB.email}; their sessions have ended.`).waitFor();
    expect(await row(page, BOB.email).count()).toBe(0);

    // The cookie the browser still holds answers 401 on the API and leads the pages to /login.
    const trpc = await bob.page.request.get(`${url}/api/trpc/auth.me`);
    expect(trpc.status()).toBe(401);
    await bob.go("/identities");
    expect(new URL(bob.page.url()).pathname).toBe("/login");
    expect((await listUsers()).map((u) => u.email)).toEqual([ADMIN.email]);
  });

  it("/account changes one's own password with the current one (this session stays) and shows the organization ID", async () => {
    const { page } = admin;
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Account" }).click();
    await page.getByRole("heading", { name: "Change my password" }).waitFor();
    expect(await page.getByTestId("organization-id").textContent()).toBe(orgId);
    await page.getByLabel("Current password").fill("not-the-password");
    await page.getByLabel("New password").fill(ADMIN_NEW);
    await page.getByRole("button", { name: "Change password" }).click();
    await page.getByText(messages.currentPasswordWrong).waitFor();
    await page.getByLabel("Current password").fill(ADMIN.password);
    await page.getByLabel("New password").fill(ADMIN.password);
    await page.getByRole("button", { name: "Change password" }).click();
    await page.getByText(messages.newPasswordSameAsCurrent).waitFor();
    await page.getByLabel("New password").fill(ADMIN_NEW);
    await page.getByRole("button", { name: "Change password" }).click();
    await page.getByText("Password changed.").waitFor();
    await admin.capture("account");

    expect((await api("POST", "/api/v1/auth/login", ADMIN)).status).toBe(401);
    expect((await api("POST", "/api/v1/auth/login", { email: ADMIN.email, password: ADMIN_NEW })).status).toBe(200);
    await admin.go("/users");
    await admin.page.getByRole("heading", { name: "Users" }).waitFor();
    expect(admin.pageErrors).toEqual([]);
  });
});
