import { runWithStatementSignal } from "@ociauth/db";
import { serviceUnavailable } from "../core/errors";

/** How long a caller should wait before trying again a request that passed its deadline. */
const RETRY_AFTER_SECONDS = 5;

export const deadlinePassed = (ms: number) =>
  serviceUnavailable(`The request did not finish within ${ms} ms and was cancelled. Try again shortly.`, RETRY_AFTER_SECONDS);

/**
 * Runs `work` (one API request) under a deadline of `ms`: if it has not produced its answer by
 * then, this throws 503 ServiceUnavailable and the request is cancelled: its statement running on
 * PostgreSQL is cancelled and any statement it would send later is refused (statement-scope in
 * @ociauth/db). The deadline covers producing the answer, that is its status and headers: an answer
 * whose body is a stream (a download) is returned as soon as its head is ready, and the stream
 * then runs to its end, however long it takes.
 */
export async function withRequestDeadline<T>(ms: number, work: () => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(deadlinePassed(ms));
    }, ms);
  });
  const running = runWithStatementSignal(controller.signal, work);
  try {
    return await Promise.race([running, expired]);
  } finally {
    clearTimeout(timer);
    // After the deadline the work ends on its own (its statements refused or cancelled): nobody reads its outcome.
    running.catch(() => undefined);
  }
}
