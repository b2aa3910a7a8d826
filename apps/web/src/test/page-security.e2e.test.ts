import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Browser, launchBrowser } from "./browser";
import { startApp, stop, tempDataDir } from "./run-app";

/**
 * The pages' own defences against the browser being turned on the operator: where signing in
 * leads (`next`), cross-site form posts, and the nonce-based Content-Security-Policy, in headless
 * Chromium against `pnpm start` (production build) on a fresh PGlite folder.
 */

const ADMIN = { email: "guard@example.com", password: "a-long-guard-password", organization: "Guard Ltd" };

/** Spellings of `next` that once led the browser to http://evil.example/ after signing in, and older tricks. */
const OPEN_REDIRECTS = [
  "/.//evil.example",
  "/..//evil.example",
  "/a/..//evil.example",
  "/././/evil.example",
  "/%2e//evil.example",
  "//evil.example",
  "/\\evil.example",
  "/%2f/evil.example",
  "/%5c/evil.example",
  "https://evil.example/",
  "/\t/evil.example",
];

describe("page security (headless Chromium against pnpm start)", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  let url: string;
  let browser: Browser;
  let page: Page;
  let identityId: string;
  /** Requests the browser sent to evil.example (answered by the test, never by the network). */
  const evilRequests: string[] = [];
  const cspViolations: string[] = [];

  beforeAll(async () => {
    const data = tempDataDir();
    cleanups.push(data.remove);
    const app = await startApp({ PGLITE_DIR: data.dir });
    cleanups.push(() => stop(app.child));
    url = app.url;
    browser = await launchBrowser(url);
    cleanups.push(() => browser.close());
    page = browser.page;
    await browser.context.route(
      (target) => target.hostname === "evil.example",
      (route) => {
        evilRequests.push(route.request().url());
        return route.fulfill({ status: 200, contentType: "text/html", body: "<h1>evil</h1>" });
      },
    );
    await browser.context.exposeBinding("reportCspViolation", (_source, text: string) => void cspViolations.push(text));
    await browser.context.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (event) => {
        const report = (window as unknown as { reportCspViolation: (text: string) => void }).reportCspViolation;
        void report(
          `${event.violatedDirective} blocked ${event.blockedURI || "inline"} on ${location.pathname} (${event.sourceFile}:${event.lineNumber})`,
        );
      });
    });
  });

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  const cspErrorsInConsole = () => browser.consoleErrors.filter((text) => /Content Security Policy|Refused to/i.test(text));

  async function signIn(next: string) {
    await browser.go(`/login?next=${encodeURIComponent(next)}`);
    expect(new URL(page.url()).pathname, next).toBe("/login");
    await page.getByLabel("Email").fill(ADMIN.email);
    await page.getByLabel("Password").fill(ADMIN.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    // Through / (which picks the first page) to wherever it leads: the dashboard, or another site.
    await page.waitForURL((target) => target.origin !== url || !["/login", "/"].includes(target.pathname));
    await page.waitForLoadState("networkidle");
  }

  it("/setup runs under the CSP; every page carries it with a fresh nonce and no inline script without it", async () => {
    // The setup form (a server action) works under the policy.
    await browser.go("/setup");
    await page.getByLabel("Organization name").fill(ADMIN.organization);
    await page.getByLabel("Admin email").fill(ADMIN.email);
    await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
    await page.getByLabel("Confirm password").fill(ADMIN.password);
    await page.getByRole("button", { name: "Create administrator and organization" }).click();
    await page.getByRole("heading", { name: "Your instance is ready" }).waitFor();
    const token = await page.getByLabel("Admin identity token").inputValue();
    const list = await (await fetch(`${url}/api/v1/identities`, { headers: { authorization: `Bearer ${token}` } })).json();
    identityId = list.identities[0].identity.id; // the admin identity setup created

    const policies: string[] = [];
    for (const p of ["/login", "/identities", "/api-docs", "/no-such-page"]) {
      const res = await fetch(`${url}${p}`);
      const policy = res.headers.get("content-security-policy") ?? "";
      const scriptSrc = policy.split(";").find((directive) => directive.trim().startsWith("script-src")) ?? "";
      expect(scriptSrc, p).toMatch(/^\s*script-src 'self' 'nonce-[A-Za-z0-9+/]{22}=='$/);
      expect(policy, p).toContain("frame-ancestors 'none'");
      expect(policy, p).toContain("object-src 'none'");
      const nonce = /'nonce-([^']+)'/.exec(scriptSrc)![1]!;
      // Next's scripts, inline ones included, carry this request's nonce; no script goes without one.
      const html = await res.text();
      const scripts = html.match(/<script\b[^>]*>/g) ?? [];
      expect(scripts.length, p).toBeGreaterThan(0);
      for (const tag of scripts) {
        if (tag.includes(' src="/vendor/')) continue; // our own file, allowed by 'self'
        expect(tag, p).toContain(`nonce="${nonce}"`);
      }
      policies.push(policy);
    }
    expect(new Set(policies).size).toBe(policies.length);
  });

  it("after signing in, no spelling of next leaves the site (the sign-in action and an already signed-in /login)", async () => {
    for (const next of OPEN_REDIRECTS) {
      await browser.context.clearCookies();
      await signIn(next);
      const landed = new URL(page.url());
      expect(landed.origin, next).toBe(url);
      expect(landed.pathname, next).toBe("/identities");
      // Signed in already: /login sends the browser on at once, to the same place.
      await browser.go(`/login?next=${encodeURIComponent(next)}`);
      expect(new URL(page.url()).origin, next).toBe(url);
      expect(new URL(page.url()).pathname, next).toBe("/identities");
    }
    expect(evilRequests).toEqual([]);

    // Paths of this site still lead back where the operator was going, in their resolved spelling.
    await browser.context.clearCookies();
    await signIn("/identities/./../audit");
    expect(new URL(page.url()).pathname).toBe("/audit");
  });

  it("a cross-site form post to a page is refused with the 403 envelope (Next answered 500)", async () => {
    const body = '--x\r\nContent-Disposition: form-data; name="email"\r\n\r\nguard@example.com\r\n--x--\r\n';
    for (const path of ["/login", "/identities", "/setup"]) {
      const res = await fetch(`${url}${path}`, {
        method: "POST",
        headers: { origin: "http://evil.example", "content-type": "multipart/form-data; boundary=x" },
        body,
      });
      expect(res.status, path).toBe(403);
      expect(await res.json()).toMatchObject({
        statusCode: 403,
        error: "ForbiddenError",
        message: "Cross-site request refused: the Origin does not match this site",
      });
    }
  });

  it("a form on another site posting to /login is refused in the browser too", async () => {
    const attacker: Server = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end(
        `<form method="post" enctype="multipart/form-data" action="${url}/login"><input name="email" value="x"></form>` +
          "<script>document.forms[0].submit()</script>",
      );
    });
    await new Promise<void>((resolve) => attacker.listen(0, "localhost", resolve));
    cleanups.push(() => new Promise<void>((resolve) => attacker.close(() => resolve())));
    const other = await browser.context.newPage();
    const answer = other.waitForResponse((res) => res.url() === `${url}/login` && res.request().method() === "POST");
    await other.goto(`http://localhost:${(attacker.address() as AddressInfo).port}/`);
    const res = await answer;
    expect(res.status()).toBe(403);
    expect(await res.json()).toMatchObject({ statusCode: 403, error: "ForbiddenError" });
    await other.close();
  });

  it("the dashboard pages and the API reference run in Chromium without a single CSP violation", async () => {
    await browser.context.clearCookies();
    await signIn("/identities");
    await page.getByRole("heading", { name: "Machine identities" }).waitFor();
    for (const [p, ready] of [
      ["/identities", () => page.getByRole("heading", { name: "Machine identities" }).waitFor()],
      [`/identities/${identityId}`, () => page.getByRole("region", { name: /OCI Auth/ }).waitFor()],
      ["/audit", () => page.getByRole("heading", { name: "Audit log" }).waitFor()],
      ["/users", () => page.getByRole("heading", { name: "Users" }).waitFor()],
      ["/account", () => page.getByRole("heading", { name: "Account" }).waitFor()],
      ["/no-such-page", () => page.getByRole("heading", { name: "Page not found" }).waitFor()],
      [
        "/api-docs",
        () => expect.poll(() => page.getByText("Attach OCI auth to an identity").count(), { timeout: 30_000 }).toBeGreaterThan(0),
      ],
    ] as const) {
      await browser.go(p);
      await ready();
      // Hydrated: React attached its handlers, which needs Next's scripts to have run.
      expect(await page.evaluate(() => Object.keys(document.querySelector("body > *") ?? {}).some((k) => k.startsWith("__react"))), p).toBe(
        true,
      );
    }
    // Client-side navigation loads further chunks under the same policy.
    await browser.go("/identities");
    await page.getByRole("link", { name: "Audit log" }).first().click();
    await page.waitForURL(/\/audit$/);
    await page.getByRole("heading", { name: "Audit log" }).waitFor();

    expect(cspViolations).toEqual([]);
    expect(cspErrorsInConsole()).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  });
});
