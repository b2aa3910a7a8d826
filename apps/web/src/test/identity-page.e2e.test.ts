import { ociLoginBodySchema } from "@ociauth/schema";
import { createTestApiKey, createTestOcid, type OciStandIn, signGetUserWithOciCommon, startOciStandIn } from "@ociauth/oci-stand-in";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Browser, launchBrowser } from "./browser";
import { startApp, stop, tempDataDir } from "./run-app";
import { restApiOf } from "./rest-api";

/**
 * The identity page end to end (headless Chromium against `pnpm start`, the OCI stand-in as OCI):
 * the login commands it shows really log in (the CLI command run by the real CLI, the curl body
 * posted, the TypeScript snippet run against @ociauth/client), the tokens table names the OCI user
 * and address of each login, the token filter lives in the URL, and "Revoke all tokens" ends them all.
 */

const ADMIN = { email: "owner@example.com", password: "a-long-owner-password" };
const REPO = path.resolve(import.meta.dirname, "../../../..");
const CLI = path.join(REPO, "packages/client/bin/ociauth.mjs");
/** @ociauth/client's entry (TypeScript; the web app does not depend on the client package). */
const CLIENT = path.join(REPO, "packages/client/src/index.ts");
const run = promisify(execFile);

describe("identity page: login commands, who logged in, token filter, revoke all", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  const tenancyOcid = createTestOcid("tenancy");
  const deployer = { id: createTestOcid("user"), name: "deployer", key: createTestApiKey() };
  const builder = { id: createTestOcid("user"), name: "builder", key: createTestApiKey() };
  const curler = { id: createTestOcid("user"), name: "curler", key: createTestApiKey() };
  let oci: OciStandIn;
  let url: string;
  let adminToken: string;
  let identityId: string;
  let browser: Browser;
  let keyDir: string;
  const issued: string[] = [];

  const api = restApiOf(() => url);
  const tokensSection = () => browser.page.getByRole("region", { name: "Access tokens" });
  const commands = () => browser.page.getByRole("region", { name: "Log in as this identity" });
  /** What the page shows for a tab, and what its copy button puts on the clipboard (the same text). */
  async function command(tab: string) {
    await commands().getByRole("tab", { name: tab }).click();
    const text = (await commands().getByLabel(`${tab} login command`).textContent())!;
    await commands()
      .getByRole("button", { name: `Copy ${tab} command` })
      .click();
    await commands().getByRole("button", { name: "Copied" }).waitFor();
    expect(await browser.page.evaluate(() => navigator.clipboard.readText())).toBe(text);
    return text;
  }
  const loginEnv = (user: typeof deployer) => {
    const keyFile = path.join(keyDir, `${user.name}.pem`);
    writeFileSync(keyFile, user.key.privateKeyPem, { mode: 0o600 });
    return { OCI_USER_OCID: user.id, OCI_FINGERPRINT: user.key.fingerprint, OCI_KEY_FILE: keyFile, OCI_REGION: "us-ashburn-1" };
  };

  beforeAll(async () => {
    keyDir = mkdtempSync(path.join(os.tmpdir(), "ociauth-keys-"));
    cleanups.push(() => rmSync(keyDir, { recursive: true, force: true }));
    oci = await startOciStandIn({
      users: [deployer, builder, curler].map((u) => ({
        id: u.id,
        compartmentId: tenancyOcid,
        name: u.name,
        publicKeys: [u.key.publicKeyPem],
      })),
    });
    cleanups.push(() => oci.close());
    const data = tempDataDir();
    cleanups.push(data.remove);
    const app = await startApp({ PGLITE_DIR: data.dir, OCI_IDENTITY_ENDPOINT: oci.url });
    cleanups.push(() => stop(app.child));
    url = app.url;
    const boot = await api("POST", "/api/v1/admin/bootstrap", undefined, { ...ADMIN, organization: "Acme" });
    expect(boot.status).toBe(200);
    adminToken = boot.body.identity.credentials.token;
    const created = await api("POST", "/api/v1/identities", adminToken, {
      name: "ci-runner",
      organizationId: boot.body.organization.id,
      role: "member",
    });
    identityId = created.body.identity.id;
    expect((await api("POST", `/api/v1/auth/oci-auth/identities/${identityId}`, adminToken, { tenancyOcid })).status).toBe(200);

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

  it("the CLI command, run by the real ociauth CLI with the OCI user's variables, logs in", async () => {
    await commands().getByRole("heading", { name: "Log in as this identity" }).waitFor();
    const text = await command("CLI");
    expect(text).toContain(`--identity-id ${identityId}`);
    expect(text).toContain(`--tenancy '${tenancyOcid}'`);
    expect(text).toContain(`--url '${url}'`);
    expect(text.startsWith("ociauth login ")).toBe(true);
    // The shell runs it as a user would, with `ociauth` being this repository's CLI.
    const { stdout } = await run("bash", ["-c", `ociauth() { node ${CLI} "$@"; }\n${text}`], {
      env: { ...process.env, ...loginEnv(deployer) },
    });
    const token = stdout.trim();
    expect(token).toMatch(/^eyJ/);
    issued.push(token);
    expect((await api("GET", `/api/v1/identities/${identityId}`, token)).status).toBe(200);
    await browser.capture("identity-login-commands");
  });

  it("the curl command posts the real login body: with real signed headers in place of the placeholders it logs in", async () => {
    const text = await command("curl (REST)");
    const target = /curl -sS -X POST '([^']+)'/.exec(text)?.[1];
    expect(target).toBe(`${url}/api/v1/auth/oci-auth/login`);
    expect(text).toContain("-H 'content-type: application/json'");
    const body = JSON.parse(/-d '([\s\S]+)'$/.exec(text)![1]!);
    // Its shape is the operation's input (a strict object: an unknown key would be refused).
    expect(Object.keys(body).sort()).toEqual(["headers", "identityId", "userOcid"]);
    expect(ociLoginBodySchema.safeParse(body).success).toBe(true);
    expect(body.identityId).toBe(identityId);
    expect(body.headers.authorization).toContain(`keyId="${tenancyOcid}/`);
    const headers = await signGetUserWithOciCommon({
      tenancyOcid,
      userOcid: curler.id,
      fingerprint: curler.key.fingerprint,
      privateKeyPem: curler.key.privateKeyPem,
    });
    const res = await fetch(target!, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...body, userOcid: curler.id, headers }),
    });
    expect(res.status).toBe(200);
    issued.push(((await res.json()) as { accessToken: string }).accessToken);
  });

  it("the TypeScript snippet uses @ociauth/client's real exports and, run as shown, logs in", async () => {
    const text = await command("TypeScript");
    const client = (await import(CLIENT)) as Record<string, unknown>;
    const imported = /^import \{ ([^}]+) \} from "@ociauth\/client";/.exec(text)![1]!.split(", ");
    for (const name of imported) expect(typeof client[name], name).toBe("function");
    expect(text).toContain(`identityId: "${identityId}"`);
    expect(text).toContain(`tenancyOcid: "${tenancyOcid}"`);
    // The snippet as JavaScript (its import bound to the client, its `!` assertions dropped).
    const js = text
      .replace(/^import \{ ([^}]+) \} from "@ociauth\/client";/, "const { $1 } = client;")
      .replaceAll(/!(?=,)/g, "")
      .concat("\nreturn { accessToken, expiresAt };");
    const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<any>;
    const result = await new AsyncFunction("client", "process", js)(client, { env: loginEnv(builder) });
    expect(result.accessToken).toMatch(/^eyJ/);
    expect(result.expiresAt).toBeInstanceOf(Date);
    issued.push(result.accessToken);
  });

  it("the tokens table names the OCI user of each login and the address it logged in from", async () => {
    const tokens = tokensSection();
    await tokens.getByRole("button", { name: "Refresh" }).click();
    for (const user of [deployer, builder, curler]) {
      const row = tokens.getByRole("row").filter({ hasText: user.name });
      await row.getByText("login IP 127.0.0.1").waitFor();
      expect(await row.getByTitle(user.id).count()).toBe(1);
    }
    await browser.capture("identity-tokens-origin");
  });

  it("the token filter lives in the URL: reload keeps it, back/forward step through it", async () => {
    const { page } = browser;
    const tokens = tokensSection();
    const filter = tokens.getByRole("group", { name: "Show tokens" });
    await filter.getByRole("button", { name: "Revoked" }).click();
    await page.waitForURL((u) => u.searchParams.get("tokens") === "revoked");
    await tokens.getByText("No revoked tokens").waitFor();
    await page.reload({ waitUntil: "networkidle" });
    expect(await filter.getByRole("button", { name: "Revoked" }).getAttribute("aria-pressed")).toBe("true");
    await tokens.getByText("No revoked tokens").waitFor();
    await page.goBack({ waitUntil: "networkidle" });
    expect(new URL(page.url()).searchParams.get("tokens")).toBeNull();
    await expect.poll(() => tokens.locator("tbody tr").count()).toBe(3);
    await page.goForward({ waitUntil: "networkidle" });
    await tokens.getByText("No revoked tokens").waitFor();
    await filter.getByRole("button", { name: "All" }).click();
    await expect.poll(() => tokens.locator("tbody tr").count()).toBe(3);
  });

  it("Revoke all tokens (after confirming) ends every token at once", async () => {
    const { page } = browser;
    const tokens = tokensSection();
    await tokens.getByRole("button", { name: "Revoke all tokens" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("heading", { name: "Revoke every token of ci-runner?" }).waitFor();
    await browser.capture("identity-revoke-all-confirm");
    await dialog.getByRole("button", { name: "Revoke all tokens" }).click();
    await tokens.getByText("3 tokens were revoked. Requests using them are now refused.").waitFor();
    for (const token of issued) expect((await api("GET", `/api/v1/identities/${identityId}`, token)).status).toBe(401);
    await expect.poll(() => tokens.locator("tbody").getByText("Revoked", { exact: true }).count()).toBe(3);
    await tokens.getByRole("group", { name: "Show tokens" }).getByRole("button", { name: "Active" }).click();
    await tokens.getByText("No active tokens").waitFor();
    // The admin's own token is another identity's: untouched.
    expect((await api("GET", `/api/v1/identities/${identityId}`, adminToken)).status).toBe(200);
  });

  it("links to the audit events of this identity", async () => {
    const { page } = browser;
    await page.getByRole("link", { name: "Audit events of this identity" }).click();
    await page.waitForURL((u) => u.pathname === "/audit" && u.searchParams.get("identity") === identityId);
    const table = page.getByRole("table");
    await table.getByText("All access tokens revoked").waitFor();
    await table.getByText("Identity created").waitFor();
    expect(await page.getByLabel("About identity").inputValue()).toBe(identityId);
    const ids = await page.evaluate(async (id) => {
      const res = await fetch(`/api/v1/audit-logs?targetIdentityId=${id}&limit=100`);
      return ((await res.json()) as { events: { metadata: { identityId?: string } }[] }).events.map((e) => e.metadata.identityId);
    }, identityId);
    expect(ids.length).toBeGreaterThan(4);
    expect(new Set(ids)).toEqual(new Set([identityId]));
    expect(browser.pageErrors).toEqual([]);
  });
});
