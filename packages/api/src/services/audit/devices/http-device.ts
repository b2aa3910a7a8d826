import type { AppConfig } from "../../../core/config";
import type { AuditDeliveryEvent, AuditDevice } from "./audit-device";
import { buildBatchRequest, type HttpAuditFormat } from "./http-device-fns";

/** A POST answered with a status other than 2xx: the batch was not recorded. */
export class HttpDeviceStatusError extends Error {
  constructor(readonly status: number) {
    super(`the audit receiver answered HTTP ${status}`);
    this.name = "HttpStatusError";
  }
}

export interface HttpDeviceOptions {
  url: string;
  format: HttpAuditFormat;
  hmacSecret?: string;
  token?: string;
  timeoutMs: number;
  required: boolean;
}

/** Batches of events POSTed to a webhook or Splunk HEC collector: 2xx = recorded, anything else (or no answer in time) = not. */
export class HttpAuditDevice implements AuditDevice {
  readonly name = "http" as const;
  readonly required: boolean;
  private readonly inFlight = new Set<AbortController>();

  constructor(private readonly options: HttpDeviceOptions) {
    this.required = options.required;
  }

  async deliver(events: readonly AuditDeliveryEvent[]): Promise<void> {
    if (events.length === 0) return;
    const { body, headers } = buildBatchRequest(this.options, events, new Date());
    const controller = new AbortController();
    this.inFlight.add(controller);
    const timer = setTimeout(() => controller.abort(new Error(`no answer within ${this.options.timeoutMs} ms`)), this.options.timeoutMs);
    try {
      const response = await fetch(this.options.url, { method: "POST", body, headers, signal: controller.signal, redirect: "error" });
      await response.arrayBuffer().catch(() => undefined);
      if (response.status < 200 || response.status > 299) throw new HttpDeviceStatusError(response.status);
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(controller);
    }
  }

  async close(): Promise<void> {
    for (const controller of this.inFlight) controller.abort(new Error("the server is stopping"));
  }
}

/** The HTTP device of the configuration, or undefined when AUDIT_HTTP_URL is not set. */
export function createHttpDevice(config: AppConfig): AuditDevice | undefined {
  if (!config.AUDIT_HTTP_URL) return undefined;
  return new HttpAuditDevice({
    url: config.AUDIT_HTTP_URL,
    format: config.AUDIT_HTTP_FORMAT,
    hmacSecret: config.AUDIT_HTTP_HMAC_SECRET,
    token: config.AUDIT_HTTP_TOKEN,
    timeoutMs: config.AUDIT_HTTP_TIMEOUT_MS,
    required: config.AUDIT_HTTP_REQUIRED,
  });
}
