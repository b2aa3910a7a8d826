import { createTestApiKey, createTestOcid, type OciStandIn, signGetUserWithOciCommon, startOciStandIn } from "@ociauth/oci-stand-in";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from "./otlp-receiver";
import { tempDataDir } from "./run-app";
import { startServerProcess } from "./server-process";

/**
 * OpenTelemetry traces of the built server (`pnpm start`), received by an OTLP/HTTP receiver in
 * this test: one OCI login with an incoming `traceparent`, its SERVER span, the database and OCI
 * CLIENT spans below it, exported at shutdown. Without an endpoint, nothing is sent and no
 * OpenTelemetry module is imported (a module-resolution hook loaded with --import records them).
 */

const LOGIN = "/api/v1/auth/oci-auth/login";
const SPAN_KIND_SERVER = 2;
const SPAN_KIND_CLIENT = 3;
const STATUS_ERROR = 2;

const probeDir = mkdtempSync(path.join(os.tmpdir(), "ociauth-otel-probe-"));
const hooks = path.join(probeDir, "hooks.mjs");
const probe = path.join(probeDir, "probe.mjs");
// Records each @opentelemetry/* module the API's bundle imports (what tracing.ts loads when on).
writeFileSync(
  hooks,
  `import { appendFileSync } from "node:fs";
export async function resolve(specifier, context, next) {
  if (specifier.startsWith("@opentelemetry/") && context.parentURL?.includes("/packages/api/dist/"))
    appendFileSync(process.env.OTEL_PROBE_FILE, specifier + "\\n");
  return next(specifier, context);
}
`,
);
writeFileSync(probe, `import { register } from "node:module";\nregister(${JSON.stringify(new URL(`file://${hooks}`).href)});\n`);

describe("OpenTelemetry traces (OTLP/HTTP receiver in the test, built server)", () => {
  const tenancyOcid = createTestOcid("tenancy");
  const user = { id: createTestOcid("user"), key: createTestApiKey() };
  let oci: OciStandIn;
  let receiver: OtlpReceiver;

  beforeAll(async () => {
    oci = await startOciStandIn({
      users: [{ id: user.id, compartmentId: tenancyOcid, name: "traced", publicKeys: [user.key.publicKeyPem] }],
    });
    receiver = await startOtlpReceiver();
  });
  afterAll(async () => {
    await oci.close();
    await receiver.close();
    rmSync(probeDir, { recursive: true, force: true });
  });

  /** Starts the server with `env`, logs in once over OCI with `traceparent`, stops it (SIGTERM: the drain). */
  async function loginOnce(env: Record<string, string>, traceparent: string) {
    const data = tempDataDir();
    const probeFile = path.join(probeDir, `loaded-${randomBytes(4).toString("hex")}.txt`);
    writeFileSync(probeFile, "");
    const app = await startServerProcess({
      PGLITE_DIR: data.dir,
      OCI_IDENTITY_ENDPOINT: oci.url,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --import=${probe}`.trim(),
      OTEL_PROBE_FILE: probeFile,
      ...env,
    });
    try {
      const api = async (method: string, p: string, token: string | null, body?: unknown) => {
        const res = await fetch(`${app.url}${p}`, {
          method,
          headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        return { status: res.status, body: (await res.json()) as any };
      };
      const password = `pw-${randomBytes(12).toString("hex")}`;
      const boot = await api("POST", "/api/v1/admin/bootstrap", null, { email: "tracer@example.com", password, organization: "Traced" });
      expect(boot.status).toBe(200);
      const adminToken: string = boot.body.identity.credentials.token;
      const created = await api("POST", "/api/v1/identities", adminToken, {
        name: "workload",
        organizationId: boot.body.organization.id,
        role: "member",
      });
      const identityId: string = created.body.identity.id;
      expect((await api("POST", `/api/v1/auth/oci-auth/identities/${identityId}`, adminToken, { tenancyOcid })).status).toBe(200);
      const headers = await signGetUserWithOciCommon({
        tenancyOcid,
        userOcid: user.id,
        fingerprint: user.key.fingerprint,
        privateKeyPem: user.key.privateKeyPem,
      });
      const seenByOci = oci.requests.length;
      const login = await fetch(`${app.url}${LOGIN}`, {
        method: "POST",
        headers: { "content-type": "application/json", traceparent },
        body: JSON.stringify({ identityId, userOcid: user.id, headers }),
      });
      const loginBody = (await login.json()) as any;
      expect(login.status, JSON.stringify(loginBody)).toBe(200);
      process.kill(-app.child.pid!, "SIGTERM");
      expect(await app.exited, app.output()).toBe(0);
      return {
        secrets: [
          password,
          adminToken,
          loginBody.accessToken as string,
          identityId,
          user.id,
          tenancyOcid,
          ...Object.entries(headers).flatMap(([name, value]) => (name === "host" ? [] : [value])),
        ],
        ociRequests: oci.requests.slice(seenByOci),
        loaded: readFileSync(probeFile, "utf8").split("\n").filter(Boolean),
        output: app.output(),
      };
    } finally {
      if (app.child.exitCode === null) process.kill(-app.child.pid!, "SIGKILL");
      data.remove();
    }
  }

  const newTraceparent = () => {
    const traceId = randomBytes(16).toString("hex");
    const parentId = randomBytes(8).toString("hex");
    return { traceId, parentId, header: `00-${traceId}-${parentId}-01` };
  };

  /** Whether `span` descends (through its parents among `spans`) from `ancestor`. */
  const descendsFrom = (span: ReceivedSpan, ancestor: ReceivedSpan, spans: ReceivedSpan[]) => {
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    for (let at = byId.get(span.parentSpanId); at; at = byId.get(at.parentSpanId)) if (at.spanId === ancestor.spanId) return true;
    return false;
  };

  it("a login's SERVER span continues the incoming traceparent; its database and OCI CLIENT spans are below it (http/protobuf, sent at shutdown)", async () => {
    const incoming = newTraceparent();
    // Spans wait in the batch for a minute: only the shutdown's flush can have sent them in time.
    const run = await loginOnce({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: "60000" }, incoming.header);
    expect(receiver.contentTypes.length).toBeGreaterThan(0);
    expect(receiver.contentTypes.every((t) => t.startsWith("application/x-protobuf"))).toBe(true);
    const trace = receiver.spans.filter((s) => s.traceId === incoming.traceId);

    const server = trace.filter((s) => s.kind === SPAN_KIND_SERVER);
    expect(server.map((s) => s.name)).toEqual([`POST ${LOGIN}`]);
    const [login] = server;
    expect(login!.parentSpanId).toBe(incoming.parentId);
    expect(login!.attributes).toMatchObject({
      "http.request.method": "POST",
      "http.route": LOGIN,
      "url.path": LOGIN,
      "http.response.status_code": 200,
    });
    expect(login!.statusCode).not.toBe(STATUS_ERROR);
    expect(login!.resource["service.name"]).toBe("ociauth");

    const db = trace.filter((s) => s.kind === SPAN_KIND_CLIENT && s.attributes["db.system.name"] === "postgresql");
    expect(db.length).toBeGreaterThan(0);
    for (const span of db) {
      expect(descendsFrom(span, login!, trace), span.name).toBe(true);
      expect(span.attributes["db.operation.name"]).toBe(span.name);
      expect(span.attributes["db.system"]).toBe("postgresql");
    }
    expect(db.map((s) => s.name)).toContain("INSERT");

    const ociCalls = trace.filter((s) => s.kind === SPAN_KIND_CLIENT && s.attributes["http.request.method"] === "GET");
    expect(ociCalls.map((s) => s.name)).toEqual(["GET /20160918/users/{id}"]);
    expect(descendsFrom(ociCalls[0]!, login!, trace)).toBe(true);
    expect(ociCalls[0]!.attributes).toMatchObject({
      "http.response.status_code": 200,
      "server.address": expect.stringContaining("identity."),
    });
    expect(ociCalls[0]!.attributes["oci.opc_request_id"]).toEqual(expect.any(String));

    // No parameter value, credential or identifier of the login in any attribute of its trace.
    const values = trace.flatMap((s) => Object.values(s.attributes).map(String)).join("\n");
    for (const secret of run.secrets) expect(values).not.toContain(secret);
    // The signed request went to OCI as signed: no trace context added to it.
    expect(run.ociRequests).toHaveLength(1);
    expect(run.ociRequests[0]!.headers.traceparent).toBeUndefined();
    expect(run.ociRequests[0]!.headers.tracestate).toBeUndefined();
    expect(run.loaded).toContain("@opentelemetry/sdk-trace-node");
    expect(run.loaded).toContain("@opentelemetry/exporter-trace-otlp-proto");
  });

  it("http/json protocol and OTEL_SERVICE_NAME are honoured", async () => {
    const incoming = newTraceparent();
    const run = await loginOnce(
      { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: "http/json", OTEL_SERVICE_NAME: "ociauth-json" },
      incoming.header,
    );
    expect(run.loaded).toContain("@opentelemetry/exporter-trace-otlp-http");
    expect(receiver.contentTypes.some((t) => t.startsWith("application/json"))).toBe(true);
    const trace = receiver.spans.filter((s) => s.traceId === incoming.traceId);
    const login = trace.find((s) => s.kind === SPAN_KIND_SERVER);
    expect(login).toMatchObject({ name: `POST ${LOGIN}`, parentSpanId: incoming.parentId });
    expect(login!.resource["service.name"]).toBe("ociauth-json");
    expect(trace.some((s) => s.kind === SPAN_KIND_CLIENT && descendsFrom(s, login!, trace))).toBe(true);
  });

  it.each([
    ["OTEL_* unset", {}],
    ["OTEL_SDK_DISABLED=true beside an endpoint", { OTEL_SDK_DISABLED: "true" }],
  ] as const)("%s: nothing is sent and no OpenTelemetry module is imported", async (_name, extra) => {
    const incoming = newTraceparent();
    const env: Record<string, string> = { ...extra };
    if ("OTEL_SDK_DISABLED" in extra) env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.url;
    const exportsBefore = receiver.contentTypes.length;
    const run = await loginOnce(env, incoming.header);
    expect(run.loaded).toEqual([]);
    expect(receiver.contentTypes.length).toBe(exportsBefore);
    expect(receiver.spans.filter((s) => s.traceId === incoming.traceId)).toEqual([]);
  });
});
