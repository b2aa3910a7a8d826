import { runWithStatementSignal } from "@ociauth/db";
import { serviceUnavailable } from "../core/errors";
import { getLogger } from "../core/logger";

/** How long a caller should wait before trying again a request that passed its deadline. */
const RETRY_AFTER_SECONDS = 5;

export const deadlinePassed = (ms: number) =>
  serviceUnavailable(`The request did not finish within ${ms} ms and was cancelled. Try again shortly.`, RETRY_AFTER_SECONDS);

/** What the work of a request may do with its deadline. */
export interface RequestDeadline {
  /**
   * Ends the deadline for this request: a handler that writes a streamed body itself calls it once
   * the answer's head is sent, so the rest of the body is not cut (and its statements not cancelled).
   */
  release(): void;
}

/**
 * Runs `work` (one API request) under a deadline of `ms`: if it has not produced its answer by
 * then, this throws 503 ServiceUnavailable and the request is cancelled: its statement running on
 * PostgreSQL is cancelled and any statement it would send later is refused (statement-scope in
 * @ociauth/db). The deadline covers producing the answer, that is its status and headers: an answer
 * returned as a `Response` whose body is a stream is sent to its end, however long that takes;
 * work that writes a streamed body itself calls `deadline.release()` once the head is sent.
 */
export async function withRequestDeadline<T>(ms: number, work: (deadline: RequestDeadline) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      getLogger().warn({ ms }, "request deadline passed: answered 503, its database work cancelled");
      controller.abort();
      reject(deadlinePassed(ms));
    }, ms);
  });
  const running = runWithStatementSignal(controller.signal, () => work({ release: () => clearTimeout(timer) }));
  try {
    return await Promise.race([running, expired]);
  } finally {
    clearTimeout(timer);
    // After the deadline the work ends on its own (its statements refused or cancelled): nobody reads its outcome.
    running.catch(() => undefined);
  }
}
