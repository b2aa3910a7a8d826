import { createTestOcid, type OciStandIn, startOciStandIn } from "@ociauth/oci-stand-in";
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Browser, launchBrowser } from "./browser";
import { startApp, stop, tempDataDir } from "./run-app";
import { restApiOf } from "./rest-api";

/**
 * An operator lets instances and functions of one compartment and region log in (headless
 * Chromium against `pnpm start`): the form's summary says in words who may log in while they type,
 * the schema's messages stop bad values (nothing saved, focus on the field), the identity page
 * keeps the summary after a reload, and the login command it shows for an instance logs in.
 */

const ADMIN = { email: "owner@example.com", password: "a-long-owner-password" };
const REPO = path.resolve(import.meta.dirname, "../../../..");
const CLI = path.join(REPO, "packages/client/bin/ociauth.mjs");
const run = promisify(execFile);

describe("dashboard: which workloads may log in (instance and resource principals)", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  const tenancyOcid = createTestOcid("tenancy");
  const compartment = createTestOcid("compartment");
  let url: string;
  let adminToken: string;
  let identityId: string;
  let browser: Browser;
  let oci: OciStandIn;
  const instanceId = createTestOcid("instance", "iad");

  const api = restApiOf(() => url);
  const stored = async () => (await api("GET", `/api/v1/auth/oci-auth/identities/${identityId}`, adminToken)).body.identityOciAuth;
  const page = () => browser.page;
  const form = () => page().getByRole("form", { name: "Edit OCI auth" });
  const summary = () => page().getByRole("region", { name: "Which workloads may log in" }).first();
  const commands = () => page().getByRole("region", { name: "Log in as this identity" });

  beforeAll(async () => {
    oci = await startOciStandIn({
      instances: [{ id: instanceId, compartmentId: compartment, tenancyId: tenancyOcid, region: "us-ashburn-1" }],
    });
    cleanups.push(() => oci.close());
    const data = tempDataDir();
    cleanups.push(data.remove);
    const app = await startApp({ PGLITE_DIR: data.dir, OCI_AUTH_ENDPOINT: oci.url });
    cleanups.push(() => stop(app.child));
    url = app.url;
    const boot = await api("POST", "/api/v1/admin/bootstrap", undefined, { ...ADMIN, organization: "Acme" });
    expect(boot.status).toBe(200);
    adminToken = boot.body.identity.credentials.token;
    const created = await api("POST", "/api/v1/identities", adminToken, {
      name: "web-fleet",
      organizationId: boot.body.organization.id,
      role: "member",
    });
    identityId = created.body.identity.id;
    expect((await api("POST", `/api/v1/auth/oci-auth/identities/${identityId}`, adminToken, { tenancyOcid })).status).toBe(200);

    browser = await launchBrowser(url);
    cleanups.push(() => browser.close());
    await browser.go(`/login?next=${encodeURIComponent(`/identities/${identityId}`)}`);
    await page().getByLabel("Email").fill(ADMIN.email);
    await page().getByLabel("Password").fill(ADMIN.password);
    await page().getByRole("button", { name: "Sign in" }).click();
    await page().waitForURL((u) => u.pathname === `/identities/${identityId}`);
  });

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it("by default users only: the summary says so and only the API-key commands are shown", async () => {
    await summary().waitFor();
    expect(await summary().textContent()).toContain(`OCI users signing with an API key of tenancy ${tenancyOcid} may log in.`);
    await commands().getByRole("tab", { name: "CLI" }).waitFor();
    expect(await commands().getByRole("tab", { name: "Instance principal" }).count()).toBe(0);
    expect(await stored()).not.toHaveProperty("allowedPrincipalTypes");
  });

  it("refuses an invalid compartment and no principal type with the schema's messages, focused, nothing saved", async () => {
    await page().getByRole("button", { name: "Edit configuration" }).click();
    await form()
      .getByLabel(/Allowed compartments/)
      .fill("not-an-ocid");
    await form().getByRole("button", { name: "Save changes" }).click();
    const compartmentField = form().getByLabel(/Allowed compartments/);
    await expect.poll(() => compartmentField.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await form().textContent()).toContain(
      'Allowed compartment OCIDs must be compartment or tenancy OCIDs such as ocid1.compartment.oc1..aaaa… ("not-an-ocid" is not)',
    );
    await compartmentField.fill("");

    await form()
      .getByRole("checkbox", { name: /Users with API keys/ })
      .uncheck();
    await form().getByRole("button", { name: "Save changes" }).click();
    expect(await form().textContent()).toContain('Allowed principal types must list at least one of "user", "instance", "resource"');
    const firstType = form().getByRole("checkbox", { name: /Users with API keys/ });
    await expect.poll(() => firstType.evaluate((el) => el === document.activeElement)).toBe(true);
    await browser.capture("principals-form-errors");
    expect(await stored()).not.toHaveProperty("allowedCompartmentOcids");
    expect(await stored()).not.toHaveProperty("allowedPrincipalTypes");
  });

  it("allows instances and functions of one compartment and region: the summary follows the typing, the API stores it", async () => {
    await form()
      .getByRole("checkbox", { name: /Compute instances/ })
      .check();
    await form()
      .getByRole("checkbox", { name: /Functions, container instances/ })
      .check();
    await form()
      .getByLabel(/Allowed compartments/)
      .fill(compartment);
    await form()
      .getByLabel(/Allowed regions/)
      .fill("us-ashburn-1");
    const live = form().getByRole("region", { name: "Which workloads may log in" });
    await expect
      .poll(() => live.textContent())
      .toContain(
        `Compute instances (instance principals) and Functions, container instances and OKE workloads (resource principals) of tenancy ${tenancyOcid} may log in.`,
      );
    expect(await live.textContent()).toContain(`Only from compartment ${compartment}.`);
    expect(await live.textContent()).toContain("Only in region us-ashburn-1.");
    await browser.capture("principals-form-summary");
    await form().getByRole("button", { name: "Save changes" }).click();
    await form().waitFor({ state: "detached" });

    expect(await stored()).toMatchObject({
      allowedPrincipalTypes: ["instance", "resource"],
      allowedCompartmentOcids: compartment,
      allowedRegions: "us-ashburn-1",
    });
    expect(await stored()).not.toHaveProperty("allowedPrincipalOcids");
  });

  it("after a reload the identity page states the rules, and the instance's login command it shows logs in", async () => {
    await page().reload();
    await summary().waitFor();
    const text = await summary().textContent();
    expect(text).toContain(`of tenancy ${tenancyOcid} may log in.`);
    expect(text).toContain(`Only from compartment ${compartment}.`);
    expect(await commands().getByRole("tab", { name: "CLI" }).count()).toBe(0); // users may no longer log in

    await commands().getByRole("tab", { name: "Instance principal" }).click();
    const command = (await commands().getByLabel("Instance principal login command").textContent())!;
    expect(command).toContain(`ociauth login --auth instance_principal --url '${url}' --identity-id ${identityId}`);
    expect(command).toContain(`principal: "instance"`);
    // Run on "the instance" (the stand-in's metadata service and federation in place of OCI's): it logs in.
    const cli = command.split("\n").find((line) => line.startsWith("ociauth login"))!;
    const { stdout } = await run("bash", [
      "-c",
      `ociauth() { node ${CLI} "$@"; }\n${cli} --metadata-url '${oci.instanceMetadataUrl(instanceId)}' --federation-endpoint '${oci.url}'`,
    ]);
    const token = stdout.trim();
    expect(token).toMatch(/^eyJ/);
    expect((await api("GET", `/api/v1/identities/${identityId}`, token)).status).toBe(200);
    await commands().getByRole("tab", { name: "Resource principal" }).click();
    expect(await commands().getByLabel("Resource principal login command").textContent()).toContain("--auth resource_principal");
    await browser.capture("principals-identity-page");
    expect(browser.pageErrors).toEqual([]);
  });
});
