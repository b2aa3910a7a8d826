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
