import { describe, expect, it } from "vitest";
import { AppError } from "../core/errors";
import { errorHeaders } from "../rest/error-envelope";
import { withRequestDeadline } from "./request-deadline";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("withRequestDeadline", () => {
  it("returns what the work produces in time", async () => {
    await expect(withRequestDeadline(200, async () => "answer")).resolves.toBe("answer");
  });

  it("throws 503 ServiceUnavailable with Retry-After at the deadline, without waiting for the work", async () => {
    const started = performance.now();
    const error = await withRequestDeadline(100, () => sleep(2_000)).catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: "SERVICE_UNAVAILABLE", message: expect.stringMatching(/did not finish within 100 ms/) });
    expect(Number(errorHeaders(error)["retry-after"])).toBeGreaterThan(0);
  });

  it("lets work that has sent its head (release) run past the deadline", async () => {
    const answer = withRequestDeadline(100, async (deadline) => {
      deadline.release(); // e.g. a streamed download whose status and headers are sent
      await sleep(300);
      return "whole body sent";
    });
    await expect(answer).resolves.toBe("whole body sent");
  });
});
