import { describe, expect, it } from "vitest";
import { RECONNECT_INITIAL_DELAY_MS, RECONNECT_MAX_DELAY_MS, reconnectDelayMs } from "./change-feed";

describe("the change feed's reconnect back-off", () => {
  it("doubles from 100 ms and stays at 5 s, with at most half of it random", () => {
    const low = (attempt: number) => reconnectDelayMs(attempt, () => 0);
    const high = (attempt: number) => reconnectDelayMs(attempt, () => 1);
    expect([1, 2, 3, 4, 5, 6, 7, 8, 20].map(high)).toEqual([100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000]);
    expect([1, 2, 7, 20].map(low)).toEqual([50, 100, 2500, 2500]);
    expect(RECONNECT_INITIAL_DELAY_MS).toBe(100);
    expect(RECONNECT_MAX_DELAY_MS).toBe(5000);
  });

  it("12 s of attempts against a database that stays down: about a dozen, not dozens per second", () => {
    let elapsed = 0;
    let attempts = 0;
    while (elapsed < 12_000) elapsed += reconnectDelayMs(++attempts);
    expect(attempts).toBeLessThanOrEqual(12);
    expect(attempts).toBeGreaterThanOrEqual(7);
  });
});
