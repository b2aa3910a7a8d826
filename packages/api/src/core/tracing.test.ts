import { describe, expect, it } from "vitest";
import { activeTracing, startTracing, tracingRequested } from "./tracing";
import { ociPathTemplate, sqlOperation } from "./tracing-sdk";

describe("tracing's switch", () => {
  const endpoint = "http://collector:4318";
  it("is on with an OTLP endpoint (general or traces'), unless OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none", () => {
    expect(tracingRequested({})).toBe(false);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint })).toBe(true);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${endpoint}/v1/traces` })).toBe(true);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SDK_DISABLED: "TRUE" })).toBe(false);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SDK_DISABLED: "false" })).toBe(true);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_TRACES_EXPORTER: "none" })).toBe(false);
  });

  it("off, starting loads nothing and leaves the request path without tracing", async () => {
    expect(await startTracing({})).toBeUndefined();
    expect(activeTracing()).toBeUndefined();
  });
});

describe("span names", () => {
  it("a statement's operation is its first keyword, one of a known few", () => {
    expect(sqlOperation('SELECT "id" FROM "users" WHERE "email" = $1')).toBe("SELECT");
    expect(sqlOperation("\n  insert into audit_events values ($1)")).toBe("INSERT");
    expect(sqlOperation("WITH x AS (SELECT 1) SELECT * FROM x")).toBe("WITH");
    expect(sqlOperation("'secret' OR 1=1")).toBe("OTHER");
    expect(sqlOperation("VACUUM")).toBe("OTHER");
  });

  it("an OCI path names no OCID and no query", () => {
    expect(ociPathTemplate("/20160918/users/ocid1.user.oc1..aaaa")).toBe("/20160918/users/{id}");
    expect(ociPathTemplate("/v1/authentication/authenticateClient?x=ocid1.tenancy.oc1..b")).toBe("/v1/authentication/authenticateClient");
  });
});
