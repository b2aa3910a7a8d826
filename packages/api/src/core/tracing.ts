import type { IncomingMessage, ServerResponse } from "node:http";
import type { AppConfig } from "./config";
import { setTraceIdSource } from "./log-context";

/** One outbound call to OCI as its CLIENT span describes it (no headers, no body, no query string). */
export interface OciCallSpan {
  method: string;
  host: string;
  path: string;
}

/** How an OCI call ended, for its span: an answer's status and request id, or why there was none. */
export type OciCallOutcome = { kind: "answered"; status: number; opcRequestId: string | null } | { kind: "unreachable"; reason: string };

/** What the request path asks of tracing while it is on (tracing-sdk.ts). While off there is none. */
export interface ActiveTracing {
  /** Runs `handle` inside the request's SERVER span, whose parent is the request's W3C `traceparent`, if valid. */
  traceRequest(req: IncomingMessage, res: ServerResponse, route: string | undefined, handle: () => Promise<void>): Promise<void>;
  /** Runs one OCI call inside its CLIENT span. */
  traceOciCall<T extends OciCallOutcome>(call: OciCallSpan, run: () => Promise<T>): Promise<T>;
  /** The trace id of the span active here, if any (the logs' trace id). */
  traceId(): string | undefined;
  /** Ends tracing: the spans not yet exported are sent first. */
  shutdown(): Promise<void>;
}

let active: ActiveTracing | undefined;

/** The tracing in force, or undefined (tracing off): the one check the request path makes. */
export const activeTracing = (): ActiveTracing | undefined => active;

/** The standard OTEL_* variables this service reads itself (the SDK reads the others it knows from the environment). */
export type TracingConfig = Pick<
  AppConfig,
  | "OTEL_SDK_DISABLED"
  | "OTEL_TRACES_EXPORTER"
  | "OTEL_EXPORTER_OTLP_ENDPOINT"
  | "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"
  | "OTEL_EXPORTER_OTLP_PROTOCOL"
>;

/**
 * Tracing is on when an OTLP endpoint is configured (OTEL_EXPORTER_OTLP_ENDPOINT or
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT), unless OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none.
 */
export function tracingRequested(config: TracingConfig): boolean {
  if (config.OTEL_SDK_DISABLED?.trim().toLowerCase() === "true") return false;
  if (config.OTEL_TRACES_EXPORTER === "none") return false;
  return config.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined || config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT !== undefined;
}

/**
 * Starts tracing when configured (tracingRequested). OpenTelemetry is loaded here, by dynamic
 * import, and only then: with tracing off no module of it is imported and the request path only
 * checks `activeTracing()`.
 */
export async function startTracing(config: TracingConfig): Promise<ActiveTracing | undefined> {
  if (active || !tracingRequested(config)) return active;
  const { createTracing } = await import("./tracing-sdk");
  active = await createTracing(config);
  setTraceIdSource(active.traceId); // log lines carry the active span's trace id
  return active;
}

/** Exports the spans still buffered and stops tracing (at shutdown, after the last request). */
export async function stopTracing(): Promise<void> {
  const stopping = active;
  active = undefined;
  setTraceIdSource(undefined);
  await stopping?.shutdown();
}
