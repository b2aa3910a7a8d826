import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Browser, launchBrowser } from "./browser";
import { startApp, stop, tempDataDir } from "./run-app";
import { callRestApi } from "./rest-api";

/**
 * Organizations end to end: `pnpm start` on a fresh PGlite folder, bootstrapped through the API
 * (organization "Acme" with an identity), the admin in headless Chromium creates a second
 * organization on the Organizations page, switches to it with the header's switcher and sees its
 * empty identity list (Acme's identities are not shown), then edits its slug and switches back.
 */

const ADMIN = { email: "owner@example.com", password: "a-long-owner-password" };

describe("organizations: create, switch, edit (headless Chromium against pnpm start)", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  let url: string;
  let orgId: string;
  let runnerId: string;
  let admin: Browser;

  const api = (method: string, path: string, body?: unknown, token?: string) => callRestApi(url, method, path, token, body);

  beforeAll(async () => {
    const data = tempDataDir();
    cleanups.push(data.remove);
    const app = await startApp({ PGLITE_DIR: data.dir });
    cleanups.push(() => stop(app.child));
    url = app.url;
    const boot = await api("POST", "/api/v1/admin/bootstrap", { ...ADMIN, organization: "Acme" });
    expect(boot.status).toBe(200);
    orgId = boot.body.organization.id;
    const created = await api(
      "POST",
      "/api/v1/identities",
      { name: "acme-runner", organizationId: orgId, role: "member" },
      boot.body.identity.credentials.token,
    );
    expect(created.status).toBe(200);
    runnerId = created.body.identity.id;
    admin = await launchBrowser(url);
    cleanups.push(() => admin.close());
  });

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it("creates a second organization, switches to it and sees only its (empty) identities; switches back", async () => {
    const { page } = admin;
    await admin.go(`/login?next=${encodeURIComponent("/identities")}`);
    await page.getByLabel("Email").fill(ADMIN.email);
    await page.getByLabel("Password").fill(ADMIN.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((u) => u.pathname === "/identities");
    await page.getByRole("link", { name: "acme-runner", exact: true }).waitFor();
    const switcher = page.getByTestId("org-switcher");
    const shownRow = (slug: string) =>
      page.locator(`[data-testid="organization-row"][data-organization-slug="${slug}"]`).getByText("Shown", { exact: true });
    expect(await switcher.inputValue()).toBe(orgId);

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Organizations" }).click();
    await page.getByRole("heading", { name: "Organizations" }).waitFor();
    await page.locator('[data-testid="organization-row"][data-organization-slug="acme"]').waitFor();
    await page.getByRole("button", { name: "Create organization" }).first().click();
    const form = page.getByTestId("create-organization-form");
    await form.getByLabel("Name").fill("Acme Staging");
    await form.getByRole("button", { name: "Create organization" }).click();
    await page.getByRole("status").filter({ hasText: "Organization Acme Staging created" }).waitFor();
    await page.locator('[data-testid="organization-row"][data-organization-slug="acme-staging"]').waitFor();
    const { organizations } = (await page.evaluate(async () => (await fetch("/api/v1/organization")).json())) as {
      organizations: { id: string; slug: string }[];
    };
    const staging = organizations.find((o) => o.slug === "acme-staging")!;
    expect(staging).toBeDefined();

    // The header's switcher lists the new organization (the layout was refreshed): choose it.
    await switcher.locator(`option[value="${staging.id}"]`).waitFor({ state: "attached" });
    await switcher.selectOption(staging.id);
    // The server action stored the choice and reloaded the section: the page now marks it as shown.
    await shownRow("acme-staging").waitFor();
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Identities" }).click();
    await page.waitForURL((u) => u.pathname === "/identities");
    await page.getByText("No machine identities yet").waitFor();
    expect(await page.getByRole("link", { name: "acme-runner", exact: true }).count()).toBe(0);
    // Acme's identity page is not shown while another organization is chosen.
    await admin.go(`/identities/${runnerId}`);
    await page.getByRole("heading", { name: "Identity not found" }).waitFor();

    // Edit the slug of the shown organization.
    await admin.go("/organizations");
    await page.getByRole("button", { name: "Edit Acme Staging" }).click();
    const edit = page.getByTestId("edit-organization-form");
    await edit.getByLabel("Slug").fill("Not A Slug");
    await edit.getByRole("button", { name: "Save" }).click();
    await edit.getByText("Slug may hold only lowercase letters").waitFor();
    await edit.getByLabel("Slug").fill("acme-stage");
    await edit.getByRole("button", { name: "Save" }).click();
    await page.locator('[data-testid="organization-row"][data-organization-slug="acme-stage"]').waitFor();

    // Back to Acme: its identity is listed again.
    await page.getByTestId("org-switcher").selectOption(orgId);
    await shownRow("acme").waitFor();
    await admin.go("/identities");
    await page.getByRole("link", { name: "acme-runner", exact: true }).waitFor();
  });
});
