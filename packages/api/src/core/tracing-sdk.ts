import type { IncomingMessage, ServerResponse } from "node:http";
import { setQueryTracer } from "@ociauth/db";
import type { Context, Span, Tracer } from "@opentelemetry/api";
import type { SpanExporter } from "@opentelemetry/sdk-trace-node";
import { buildInfo } from "./build-info";
import type { ActiveTracing, OciCallOutcome, OciCallSpan, TracingConfig } from "./tracing";

// Loaded by tracing.ts only when tracing is on. Every OpenTelemetry module is imported dynamically
// below: the bundle (one file) keeps static imports at its top, where they would load with tracing off.

const HTTP_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"]);
const SQL_OPERATIONS = new Set([
  "SELECT",
  "INSERT",
  "UPDATE",
  "DELETE",
  "WITH",
  "BEGIN",
  "COMMIT",
  "ROLLBACK",
  "SAVEPOINT",
  "RELEASE",
  "SET",
  "LISTEN",
  "NOTIFY",
]);

/** A statement's operation: its first keyword, one of a known few (never the statement itself: no values leave). */
export function sqlOperation(sql: string): string {
  const keyword = /^\s*([A-Za-z]+)/.exec(sql)?.[1]?.toUpperCase();
  return keyword && SQL_OPERATIONS.has(keyword) ? keyword : "OTHER";
}

/** An OCI path as a template: OCIDs (users, tenancies) become `{id}`; the query string is dropped. */
export function ociPathTemplate(path: string): string {
  return path.split("?")[0]!.replace(/ocid1\.[^/]+/g, "{id}");
}

export async function createTracing(config: TracingConfig): Promise<ActiveTracing> {
  const [api, core, resources, sdk, semconv] = await Promise.all([
    import("@opentelemetry/api"),
    import("@opentelemetry/core"),
    import("@opentelemetry/resources"),
    import("@opentelemetry/sdk-trace-node"),
    import("@opentelemetry/semantic-conventions"),
  ]);
  const { SpanKind, SpanStatusCode, context, trace, propagation, ROOT_CONTEXT } = api;
  // Endpoint, headers, timeout and certificates come from the standard OTEL_EXPORTER_OTLP_* variables (read by the exporter).
  const exporter: SpanExporter =
    config.OTEL_EXPORTER_OTLP_PROTOCOL === "http/json"
      ? new (await import("@opentelemetry/exporter-trace-otlp-http")).OTLPTraceExporter()
      : new (await import("@opentelemetry/exporter-trace-otlp-proto")).OTLPTraceExporter();
  const { version } = buildInfo();
  // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES (the environment detector) win over the defaults.
  const resource = resources
    .defaultResource()
    .merge(resources.resourceFromAttributes({ [semconv.ATTR_SERVICE_NAME]: "ociauth", [semconv.ATTR_SERVICE_VERSION]: version }))
    .merge(resources.detectResources({ detectors: [resources.envDetector] }));
  // The sampler is OTEL_TRACES_SAMPLER / _ARG's (the provider reads them; parentbased_always_on by default).
  const provider = new sdk.NodeTracerProvider({ resource, spanProcessors: [new sdk.BatchSpanProcessor(exporter)] });
  // W3C Trace Context only (no baggage): the context manager keeps the active span across awaits.
  provider.register({ propagator: new core.W3CTraceContextPropagator() });
  const tracer: Tracer = provider.getTracer("ociauth", version);

  /** Runs `work` with `span` active and ends the span when it settles; `failed` tells how an error is recorded. */
  const runIn = <T>(parent: Context, span: Span, work: () => Promise<T>, failed: (span: Span, error: unknown) => void): Promise<T> =>
    context.with(trace.setSpan(parent, span), work).then(
      (value) => {
        span.end();
        return value;
      },
      (error: unknown) => {
        failed(span, error);
        span.end();
        throw error;
      },
    );

  // Statements sent while a span is active (a request, an OCI call) get a CLIENT span each;
  // background work (the audit batch writer, the change feed) does not start traces of its own.
  setQueryTracer((sql, run) => {
    const parent = context.active();
    if (trace.getSpan(parent) === undefined) return run();
    const operation = sqlOperation(sql);
    const span = tracer.startSpan(
      operation,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          [semconv.ATTR_DB_SYSTEM_NAME]: "postgresql",
          "db.system": "postgresql",
          [semconv.ATTR_DB_OPERATION_NAME]: operation,
          "db.operation": operation,
        },
      },
      parent,
    );
    return runIn(parent, span, run, (s, error) => {
      // The SQLSTATE only: a driver's message can quote the values (a unique violation names the key).
      const code = (error as { code?: unknown })?.code;
      s.setAttribute(semconv.ATTR_ERROR_TYPE, typeof code === "string" ? code : "Error");
      s.setStatus({ code: SpanStatusCode.ERROR });
    });
  });

  return {
    traceRequest(req: IncomingMessage, res: ServerResponse, route: string | undefined, handle: () => Promise<void>) {
      const method = HTTP_METHODS.has(req.method ?? "") ? req.method! : "_OTHER";
      const parent = propagation.extract(ROOT_CONTEXT, req.headers);
      const span = tracer.startSpan(
        route ? `${method} ${route}` : method,
        {
          kind: SpanKind.SERVER,
          attributes: {
            [semconv.ATTR_HTTP_REQUEST_METHOD]: method,
            [semconv.ATTR_URL_SCHEME]: "http",
            // The path without its query string (which is never recorded).
            [semconv.ATTR_URL_PATH]: (req.url ?? "/").split("?")[0],
            ...(route ? { [semconv.ATTR_HTTP_ROUTE]: route } : {}),
            ...(req.socket.remoteAddress ? { [semconv.ATTR_NETWORK_PEER_ADDRESS]: req.socket.remoteAddress } : {}),
          },
        },
        parent,
      );
      // "close": a response the client broke off ends its span too.
      res.once("close", () => {
        span.setAttribute(semconv.ATTR_HTTP_RESPONSE_STATUS_CODE, res.statusCode);
        if (res.statusCode >= 500) {
          span.setAttribute(semconv.ATTR_ERROR_TYPE, String(res.statusCode));
          span.setStatus({ code: SpanStatusCode.ERROR });
        }
        span.end();
      });
      return context.with(trace.setSpan(parent, span), handle);
    },

    traceOciCall<T extends OciCallOutcome>(call: OciCallSpan, run: () => Promise<T>) {
      const parent = context.active();
      const template = ociPathTemplate(call.path);
      const span = tracer.startSpan(
        `${call.method} ${template}`,
        {
          kind: SpanKind.CLIENT,
          attributes: {
            [semconv.ATTR_HTTP_REQUEST_METHOD]: call.method,
            [semconv.ATTR_SERVER_ADDRESS]: call.host,
            // The template, not url.full: the path names the workload's user, a login's parameter.
            [semconv.ATTR_URL_SCHEME]: "https",
            "url.template": template,
          },
        },
        parent,
      );
      return runIn(
        parent,
        span,
        async () => {
          const outcome = await run();
          if (outcome.kind === "answered") {
            span.setAttribute(semconv.ATTR_HTTP_RESPONSE_STATUS_CODE, outcome.status);
            // OCI's own id of the request: what Oracle support asks for, and the link to OCI's side.
            if (outcome.opcRequestId) span.setAttribute("oci.opc_request_id", outcome.opcRequestId);
            if (outcome.status >= 400) {
              span.setAttribute(semconv.ATTR_ERROR_TYPE, String(outcome.status));
              span.setStatus({ code: SpanStatusCode.ERROR });
            }
          } else {
            span.setAttribute(semconv.ATTR_ERROR_TYPE, "unreachable");
            span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.reason });
          }
          return outcome;
        },
        (s) => s.setStatus({ code: SpanStatusCode.ERROR }),
      );
    },

    traceId: () => trace.getActiveSpan()?.spanContext().traceId,

    async shutdown() {
      setQueryTracer(undefined);
      await provider.shutdown();
    },
  };
}
