import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startApp, stop, tempDataDir } from "./run-app";
import { runServerUntilExit } from "./server-process";

describe("configuration errors stop the server with a message naming the variable", () => {
  const data = tempDataDir();
  afterAll(() => data.remove());

  it.each([
    ["PORT", "abc", /PORT must be a port number from 0 to 65535/],
    ["PORT", "70000", /PORT must be a port number from 0 to 65535/],
    ["HOST", "not a host/", /HOST must be a host name or an IP address/],
    ["LOG_LEVEL", "verbose", /LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent/],
    ["METRICS", "yes", /METRICS must be on or off/],
    ["METRICS_PORT", "http", /METRICS_PORT must be a port number/],
    ["METRICS", "on", /METRICS=on needs METRICS_TOKEN \(.*\) or METRICS_PORT/],
    ["METRICS_TOKEN", "too-short", /METRICS_TOKEN must be at least 32 characters/],
    ["OCIAUTH_VERSION", "1.0 beta", /OCIAUTH_VERSION: OCIAUTH_VERSION must be 1 to 128 letters/],
  ])("%s=%s", async (name, value, message) => {
    const { code, output } = await runServerUntilExit({ PGLITE_DIR: data.dir, [name]: value });
    expect(code).toBe(1);
    expect(output).toMatch(message);
    expect(output).toContain("The server was not started.");
    expect(output).not.toMatch(/\n\s+at /); // no stack trace
  });

  it("an unusable PGLITE_DIR is named, with what to do, before anything opens it", async () => {
    const { code, output } = await runServerUntilExit({ PGLITE_DIR: "/proc/nope" }, 30_000);
    expect(code).toBe(1);
    expect(output).toMatch(/\/proc\/nope \(PGLITE_DIR\) cannot be created or written/);
    expect(output).toContain("Set PGLITE_DIR to a writable folder");
    expect(output).not.toContain("prisma migrate deploy");
  });

  it("a port in use: a clear message and exit code 1, not a stack trace", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const { code, output } = await runServerUntilExit({ PGLITE_DIR: data.dir, PORT: String(port) });
      expect(code).toBe(1);
      expect(output).toContain(`Port ${port} is already in use: set PORT to a free port`);
      expect(output).not.toContain("EADDRINUSE");
    } finally {
      blocker.close();
    }
  });
});

describe("every variable is checked before the database is opened or migrated", () => {
  const POOL_SIZE = /DATABASE_POOL_SIZE: DATABASE_POOL_SIZE must be a whole number of connections from 1 to 1000, not "[^"]*"/;
  const PROXIES = /TRUSTED_PROXIES: TRUSTED_PROXIES must be comma-separated IP addresses or CIDR blocks: "[^"]*" is neither/;

  it.each([
    ["DATABASE_POOL_SIZE", "-5", POOL_SIZE],
    ["DATABASE_POOL_SIZE", "abc", POOL_SIZE],
    ["DATABASE_POOL_SIZE", "0", POOL_SIZE],
    ["TRUSTED_PROXIES", "nginx", PROXIES],
    ["TRUSTED_PROXIES", "10.0.0.0/8,172.28.0.0/33", PROXIES],
    ["PGLITE_SHARED_BUFFERS", "lots", /PGLITE_SHARED_BUFFERS: PGLITE_SHARED_BUFFERS must be a size from 1MB to 1GB/],
  ])("%s=%s: exits at once naming it, and a fresh data folder is never created", async (name, value, message) => {
    const fresh = tempDataDir();
    try {
      const started = Date.now();
      const { code, output } = await runServerUntilExit({ PGLITE_DIR: fresh.dir, [name]: value }, 20_000);
      expect(code).toBe(1);
      expect(output).toMatch(message);
      expect(output).toContain("The server was not started.");
      expect(output).not.toMatch(/\n\s+at /);
      expect(output).not.toMatch(/migrat/i);
      expect(Date.now() - started).toBeLessThan(15_000);
      // Nothing was opened, migrated or generated: no data folder, no lock, no generated secret beside it.
      expect(existsSync(fresh.dir)).toBe(false);
      expect(readdirSync(path.dirname(fresh.dir))).toEqual([]);
    } finally {
      fresh.remove();
    }
  });

  it("on PostgreSQL too: a bad DATABASE_POOL_SIZE is named before any connection is tried", async () => {
    // Nothing listens on port 1: a connection attempt would fail with ECONNREFUSED instead.
    const { code, output } = await runServerUntilExit(
      { DATABASE_URL: "postgresql://ociauth:secret@127.0.0.1:1/ociauth", AUTH_SECRET: "x".repeat(40), DATABASE_POOL_SIZE: "-5" },
      20_000,
    );
    expect(code).toBe(1);
    expect(output).toMatch(POOL_SIZE);
    expect(output).not.toMatch(/ECONNREFUSED|ECONNRESET|could not connect|Can.t reach/i);
  });
});

describe("secrets given as files (X_FILE)", () => {
  const data = tempDataDir();
  afterAll(() => data.remove());
  /** A secret file beside the data folder (its parent exists; PGlite creates the data folder itself). */
  const secretFile = (name: string, content: string) => {
    const file = path.join(path.dirname(data.dir), name);
    writeFileSync(file, content);
    return file;
  };
  const authSecret = "e2e-secret-from-a-mounted-file-at-least-32-characters";

  it("AUTH_SECRET_FILE: the server starts and wraps its keys under the file's secret", async () => {
    let bootToken = "";
    let bootOrgId = "";
    const app = await startApp({ PGLITE_DIR: data.dir, AUTH_SECRET_FILE: secretFile("auth-secret", `${authSecret}\n`) });
    try {
      expect((await fetch(`${app.url}/api/status`)).status).toBe(200);
      const res = await fetch(`${app.url}/api/v1/admin/bootstrap`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "files@example.com", password: "a-long-password!", organization: "Files" }),
      });
      expect(res.status).toBe(200);
      const boot = (await res.json()) as { organization: { id: string }; identity: { credentials: { token: string } } };
      const token = boot.identity.credentials.token;
      bootToken = token;
      bootOrgId = boot.organization.id;
      const identities = await fetch(`${app.url}/api/v1/identities?organizationId=${boot.organization.id}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(identities.status).toBe(200);
    } finally {
      await stop(app.child);
    }
    // The keys were wrapped under the file's content, its trailing newline trimmed: the same secret
    // given directly opens them (the token still works), another one is refused at start.
    const again = await startApp({ PGLITE_DIR: data.dir, AUTH_SECRET: authSecret });
    try {
      const res = await fetch(`${again.url}/api/v1/identities?organizationId=${bootOrgId}`, {
        headers: { authorization: `Bearer ${bootToken}` },
      });
      expect(res.status).toBe(200);
    } finally {
      await stop(again.child);
    }
    // The stopped server's process may hold the data folder a moment longer: try again until it let go.
    let other = await runServerUntilExit({ PGLITE_DIR: data.dir, AUTH_SECRET: `${authSecret}-another` });
    for (let tries = 0; other.output.includes("is already open in another process") && tries < 20; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      other = await runServerUntilExit({ PGLITE_DIR: data.dir, AUTH_SECRET: `${authSecret}-another` });
    }
    expect(other.code).not.toBe(0);
    expect(other.output).toContain("AUTH_SECRET does not match the secret this database's signing keys are stored under");
  });

  it("AUTH_SECRET and AUTH_SECRET_FILE both set: exits naming both", async () => {
    const { code, output } = await runServerUntilExit({
      PGLITE_DIR: data.dir,
      AUTH_SECRET: authSecret,
      AUTH_SECRET_FILE: secretFile("auth-secret-both", authSecret),
    });
    expect(code).toBe(1);
    expect(output).toContain("AUTH_SECRET and AUTH_SECRET_FILE are both set: set one of them");
    expect(output).toContain("The server was not started.");
    expect(output).not.toMatch(/\n\s+at /);
  });

  it("a missing file: exits naming the variable and the path", async () => {
    const missing = path.join(path.dirname(data.dir), "no-such-secret");
    const { code, output } = await runServerUntilExit({ PGLITE_DIR: data.dir, METRICS_TOKEN_FILE: missing });
    expect(code).toBe(1);
    expect(output).toContain(`METRICS_TOKEN_FILE: cannot read ${missing}: no such file`);
    expect(output).toContain("The server was not started.");
    expect(output).not.toMatch(/\n\s+at /);
  });

  it("DATABASE_URL_FILE reaches the database settings (checked before anything connects)", async () => {
    const { code, output } = await runServerUntilExit({
      PGLITE_DIR: data.dir,
      DATABASE_URL_FILE: secretFile("database-url", "mysql://db/app\n"),
    });
    expect(code).toBe(1);
    expect(output).toContain('DATABASE_URL must be a postgres:// or postgresql:// URL (got "mysql:…")');
  });
});
