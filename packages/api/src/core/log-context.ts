import { AsyncLocalStorage } from "node:async_hooks";

/** What every log line written while a request is handled carries. */
export interface LogContext {
  requestId: string;
  /** From a valid incoming W3C `traceparent`, when there is one (used when no span is active). */
  traceId?: string;
}

const storage = new AsyncLocalStorage<LogContext>();
let traceIdSource: (() => string | undefined) | undefined;

/** Tracing, when on, names the trace id of the active span: log lines then carry it instead of the header's. */
export function setTraceIdSource(fn: (() => string | undefined) | undefined): void {
  traceIdSource = fn;
}

/** Runs `fn` with `context` attached to every log line it writes, including in what it awaits. */
export function runWithLogContext<T>(context: LogContext, fn: () => T): T {
  return storage.run(context, fn);
}

export function currentLogContext(): LogContext | undefined {
  return storage.getStore();
}

/** The request id of the request being handled, if any. */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

/** pino's mixin: `requestId` and `traceId` on every line written inside a request. */
export function logContextFields(): Record<string, string> {
  const context = storage.getStore();
  if (!context) return {};
  const traceId = traceIdSource?.() ?? context.traceId;
  return traceId ? { requestId: context.requestId, traceId } : { requestId: context.requestId };
}

/** An incoming X-Request-Id is reused only when it is 1–128 of these characters (nothing to inject into a log or header). */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's X-Request-Id when it is acceptable; null when absent, repeated or invalid (then one is made). */
export function acceptedRequestId(header: string | string[] | undefined): string | null {
  return typeof header === "string" && REQUEST_ID.test(header) ? header : null;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/** The trace id of a valid W3C `traceparent` header (version 00, or a later one read as 00), else undefined. */
export function traceIdFromTraceparent(header: string | string[] | undefined): string | undefined {
  if (typeof header !== "string") return undefined;
  const match = TRACEPARENT.exec(header.trim());
  if (!match) return undefined;
  const [, version, traceId, parentId, , rest] = match;
  if (version === "ff" || (version === "00" && rest !== undefined)) return undefined;
  if (/^0+$/.test(traceId!) || /^0+$/.test(parentId!)) return undefined;
  return traceId;
}
