import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { acceptedRequestId, runWithLogContext, setTraceIdSource, traceIdFromTraceparent } from "./log-context";
import { getLifecycleLogger, setLoggerDestinationForTesting } from "./logger";

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: setLoggerDestinationForTesting(stream, "info"), lines };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe("the log line's shape", () => {
  it("level by name, ISO-8601 time, msg; no request fields outside a request", async () => {
    const { logger, lines } = capture();
    logger.info({ port: 3000 }, "hello");
    logger.warn("careful");
    getLifecycleLogger().info("started");
    await flush();
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({ level: "info", msg: "hello", port: 3000, service: "ociauth" });
    expect(lines[1]).toMatchObject({ level: "warn", msg: "careful" });
    expect(lines[2]).toMatchObject({ level: "info", msg: "started" });
    for (const line of lines) {
      expect(line.time).toMatch(ISO_TIME);
      expect(Math.abs(Date.parse(line.time as string) - Date.now())).toBeLessThan(60_000);
      expect(line).not.toHaveProperty("requestId");
      expect(line).not.toHaveProperty("traceId");
    }
  });

  it("inside a request: requestId (and traceId) on every line, across awaits", async () => {
    const { logger, lines } = capture();
    await runWithLogContext({ requestId: "req-abc", traceId: "4bf92f3577b34da6a3ce929d0e0e4736" }, async () => {
      logger.info("before");
      await new Promise((resolve) => setTimeout(resolve, 5));
      logger.error({ err: new Error("boom") }, "after");
    });
    runWithLogContext({ requestId: "req-no-trace" }, () => logger.info("plain"));
    logger.info("outside");
    await flush();
    expect(lines.map((line) => [line.msg, line.requestId, line.traceId])).toEqual([
      ["before", "req-abc", "4bf92f3577b34da6a3ce929d0e0e4736"],
      ["after", "req-abc", "4bf92f3577b34da6a3ce929d0e0e4736"],
      ["plain", "req-no-trace", undefined],
      ["outside", undefined, undefined],
    ]);
    expect(lines[1]).toMatchObject({ level: "error", err: { message: "boom" } });
  });

  it("a trace id source (tracing on) names the traceId instead of the header's", async () => {
    const { logger, lines } = capture();
    setTraceIdSource(() => "0af7651916cd43dd8448eb211c80319c");
    try {
      runWithLogContext({ requestId: "req-1", traceId: "4bf92f3577b34da6a3ce929d0e0e4736" }, () => logger.info("spanned"));
    } finally {
      setTraceIdSource(undefined);
    }
    await flush();
    expect(lines[0]).toMatchObject({ requestId: "req-1", traceId: "0af7651916cd43dd8448eb211c80319c" });
  });
});

describe("X-Request-Id", () => {
  it("reused when 1–128 characters of [A-Za-z0-9._:-]", () => {
    for (const id of ["a", "req-0123456789abcd", "lb.example:1234_5-6", "0af7651916cd43dd8448eb211c80319c", "x".repeat(128)]) {
      expect(acceptedRequestId(id)).toBe(id);
    }
  });

  it("refused when empty, too long, repeated or carrying anything else (spaces, quotes, newlines, non-ASCII)", () => {
    for (const id of ["", "x".repeat(129), "a b", 'a"b', "a\nb", "a\r\nSet-Cookie: x=1", "naïve", "{json}", "a/b", "%0a"]) {
      expect(acceptedRequestId(id)).toBeNull();
    }
    expect(acceptedRequestId(undefined)).toBeNull();
    expect(acceptedRequestId(["one", "two"])).toBeNull();
  });
});

describe("traceparent", () => {
  it("the trace id of a valid W3C header", () => {
    expect(traceIdFromTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
    // A later version may append fields: read as version 00.
    expect(traceIdFromTraceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra")).toBe(
      "4bf92f3577b34da6a3ce929d0e0e4736",
    );
  });

  it("nothing for an invalid one", () => {
    for (const header of [
      undefined,
      "",
      "garbage",
      "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
      "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
    ]) {
      expect(traceIdFromTraceparent(header)).toBeUndefined();
    }
  });
});
