import { describe, expect, it } from "vitest";
import { loadConfig, publicUrlWarning, servicePublicUrl } from "./config";

describe("PUBLIC_URL", () => {
  it.each(["https://ociauth.example.com", "https://ociauth.example.com/", "http://127.0.0.1:3000", "https://OCIAUTH.example.com:8443"])(
    "accepts %s",
    (value) => expect(loadConfig({ PUBLIC_URL: value }).PUBLIC_URL).toBe(value),
  );

  it.each([
    "ociauth.example.com",
    "ftp://ociauth.example.com",
    "https://ociauth.example.com/auth",
    "https://ociauth.example.com/?a=1",
    "https://ociauth.example.com/#top",
    "https://user:pw@ociauth.example.com",
    "https://",
  ])("refuses %s with a message that says what it must be", (value) => {
    expect(() => loadConfig({ PUBLIC_URL: value })).toThrow(/PUBLIC_URL: PUBLIC_URL must be the absolute http\(s\) URL workloads use/);
  });

  it("is the origin workloads sign for: case and a written default port do not matter", () => {
    expect(servicePublicUrl(loadConfig({ PUBLIC_URL: "https://OciAuth.Example.com:443/" })).url.host).toBe("ociauth.example.com");
    expect(servicePublicUrl(loadConfig({ PUBLIC_URL: "http://ociauth.example.com:8080" })).url.host).toBe("ociauth.example.com:8080");
  });

  it("defaults to the listen address, with a start-up warning that says to set it", () => {
    expect(servicePublicUrl(loadConfig({}))).toMatchObject({ fromListenAddress: true, url: new URL("http://localhost:3000") });
    expect(servicePublicUrl(loadConfig({ HOST: "127.0.0.1", PORT: "8080" })).url.origin).toBe("http://127.0.0.1:8080");
    expect(servicePublicUrl(loadConfig({ HOST: "::1", PORT: "8080" })).url.origin).toBe("http://[::1]:8080");
    expect(publicUrlWarning(loadConfig({ PORT: "4000" }))).toBe(
      "PUBLIC_URL is not set: principal logins are accepted only when signed for http://localhost:4000 (the listen address, for local use), and tokens name it as their issuer. Set PUBLIC_URL to the URL workloads use to reach this service (e.g. https://ociauth.example.com behind a proxy).",
    );
    expect(publicUrlWarning(loadConfig({ PUBLIC_URL: "https://ociauth.example.com" }))).toBeNull();
  });
});

describe("REQUEST_TIMEOUT_MS", () => {
  it("defaults to 30 s and takes a number of milliseconds", () => {
    expect(loadConfig({}).REQUEST_TIMEOUT_MS).toBe(30_000);
    expect(loadConfig({ REQUEST_TIMEOUT_MS: "5000" }).REQUEST_TIMEOUT_MS).toBe(5_000);
  });

  it.each([
    ["soon", /REQUEST_TIMEOUT_MS must be a number of milliseconds/],
    ["1.5", /REQUEST_TIMEOUT_MS must be a whole number of milliseconds/],
    ["50", /REQUEST_TIMEOUT_MS must be at least 100/],
    ["3600000", /REQUEST_TIMEOUT_MS must be at most 600000/],
  ])("stops the start on %s with a clear message", (value, message) => {
    expect(() => loadConfig({ REQUEST_TIMEOUT_MS: value })).toThrow(message);
  });
});

describe("the database's settings are checked with the rest, before anything opens the database", () => {
  it("DATABASE_POOL_SIZE: a whole number from 1 to 1000, default 10", () => {
    expect(loadConfig({}).DATABASE_POOL_SIZE).toBe(10);
    expect(loadConfig({ DATABASE_POOL_SIZE: "25" }).DATABASE_POOL_SIZE).toBe(25);
  });

  it.each(["-5", "abc", "0", "1.5", "1001", "10 connections"])("DATABASE_POOL_SIZE=%s stops the start naming the variable", (value) => {
    expect(() => loadConfig({ DATABASE_POOL_SIZE: value })).toThrow(
      `Invalid configuration:\n  DATABASE_POOL_SIZE: DATABASE_POOL_SIZE must be a whole number of connections from 1 to 1000, not "${value}"`,
    );
  });

  it("DATABASE_URL must be a PostgreSQL URL; the message shows only its scheme", () => {
    expect(loadConfig({ DATABASE_URL: "postgresql://u:p@db:5432/x" }).DATABASE_URL).toBe("postgresql://u:p@db:5432/x");
    expect(() => loadConfig({ DATABASE_URL: "mysql://u:hunter2@db/x" })).toThrow(
      /DATABASE_URL: DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL \(got "mysql:…"\)/,
    );
    expect(() => loadConfig({ DATABASE_URL: "mysql://u:hunter2@db/x" })).not.toThrow(/hunter2/);
  });

  it("PGLITE_SHARED_BUFFERS is checked as PGlite would read it", () => {
    expect(loadConfig({ PGLITE_SHARED_BUFFERS: "64MB" }).PGLITE_SHARED_BUFFERS).toBe("64MB");
    expect(() => loadConfig({ PGLITE_SHARED_BUFFERS: "lots" })).toThrow(/PGLITE_SHARED_BUFFERS: PGLITE_SHARED_BUFFERS must be a size/);
  });

  it("every problem is named at once", () => {
    expect(() => loadConfig({ DATABASE_POOL_SIZE: "0", PORT: "x" })).toThrow(
      /PORT: .*\n\s+DATABASE_POOL_SIZE: |DATABASE_POOL_SIZE: .*\n\s+PORT: /,
    );
  });
});

describe("TRUSTED_PROXIES", () => {
  it("takes comma-separated addresses and CIDR blocks", () => {
    expect(loadConfig({ TRUSTED_PROXIES: "10.0.0.0/8, 192.0.2.1,2001:db8::/32" }).TRUSTED_PROXIES).toEqual([
      "10.0.0.0/8",
      "192.0.2.1",
      "2001:db8::/32",
    ]);
    expect(loadConfig({}).TRUSTED_PROXIES).toEqual([]);
  });

  it.each(["nginx", "10.0.0.0/33", "10.0.0.0/8,300.1.1.1", "::1/129"])("refuses %s naming the entry", (value) => {
    expect(() => loadConfig({ TRUSTED_PROXIES: value })).toThrow(
      /TRUSTED_PROXIES: TRUSTED_PROXIES must be comma-separated IP addresses or CIDR blocks: ".+" is neither/,
    );
  });
});

describe("OCIAUTH_VERSION and OCIAUTH_REVISION", () => {
  it("take a version or revision label", () => {
    expect(loadConfig({ OCIAUTH_VERSION: "1.2.3-rc.1+build.5", OCIAUTH_REVISION: "0123abc" })).toMatchObject({
      OCIAUTH_VERSION: "1.2.3-rc.1+build.5",
      OCIAUTH_REVISION: "0123abc",
    });
  });

  it.each([
    ["OCIAUTH_VERSION", "1.0 beta"],
    ["OCIAUTH_REVISION", 'abc"}'],
  ])("%s=%s stops the start", (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`${name}: ${name} must be 1 to 128 letters`));
  });
});

describe("SHUTDOWN_GRACE_SECONDS", () => {
  it("defaults to 25 s and takes a whole number of seconds", () => {
    expect(loadConfig({}).SHUTDOWN_GRACE_SECONDS).toBe(25);
    expect(loadConfig({ SHUTDOWN_GRACE_SECONDS: "60" }).SHUTDOWN_GRACE_SECONDS).toBe(60);
  });

  it.each([
    ["soon", /SHUTDOWN_GRACE_SECONDS must be a number of seconds/],
    ["2.5", /SHUTDOWN_GRACE_SECONDS must be a whole number of seconds/],
    ["0", /SHUTDOWN_GRACE_SECONDS must be at least 1/],
    ["7200", /SHUTDOWN_GRACE_SECONDS must be at most 3600/],
  ])("stops the start on %s with a clear message", (value, message) => {
    expect(() => loadConfig({ SHUTDOWN_GRACE_SECONDS: value })).toThrow(message);
  });
});
