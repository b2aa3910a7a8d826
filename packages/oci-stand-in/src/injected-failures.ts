import { type RouteAnswer } from "./answer.js";
import { type FailableEndpoint, type InjectedFailure } from "./types.js";

const FAILURES: Record<InjectedFailure["status"], { code: Extract<RouteAnswer, { kind: "error" }>["code"]; message: string }> = {
  400: { code: "InvalidParameter", message: "The request is invalid." },
  401: { code: "NotAuthenticated", message: "The required information to complete authentication was not provided or was incorrect." },
  429: { code: "TooManyRequests", message: "Too many requests for the tenant." },
  500: { code: "InternalServerError", message: "Internal error occurred." },
  503: { code: "ServiceUnavailable", message: "The service is currently unavailable." },
};

/** Failures queued by tests, taken one request at a time per endpoint. */
export class InjectedFailures {
  private readonly queue: InjectedFailure[] = [];

  add(failure: InjectedFailure): void {
    this.queue.push({ ...failure, times: failure.times ?? 1 });
  }

  take(endpoint: FailableEndpoint): { answer: RouteAnswer; delayMs: number } | undefined {
    const index = this.queue.findIndex((failure) => failure.endpoint === endpoint);
    if (index === -1) return undefined;
    const failure = this.queue[index]!;
    failure.times = failure.times! - 1;
    if (failure.times <= 0) this.queue.splice(index, 1);
    const { code, message } = FAILURES[failure.status];
    return {
      answer: { kind: "error", status: failure.status, code, message, reason: `injected ${failure.status} ${code}` },
      delayMs: failure.delayMs ?? 0,
    };
  }
}
