import { EventEmitter } from "node:events";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createShutdown, describeInFlight, drainConnections, FORCED_EXIT_CODE, InFlightRequests, type ShutdownOptions } from "./drain";

/** A request as InFlightRequests sees it: `finish()` plays the response's "close". */
function fakeRequest(inFlight: InFlightRequests, method: string, url: string) {
  const res = new EventEmitter();
  inFlight.add({ method, url } as IncomingMessage, res as unknown as ServerResponse);
  return { finish: () => res.emit("close") };
}

describe("describeInFlight", () => {
  it("counts and names the requests (method and path), at most ten", () => {
    expect(describeInFlight([])).toBe("no request in flight");
    expect(describeInFlight(["POST /api/v1/auth/oci-auth/login"])).toBe("1 request still in flight: POST /api/v1/auth/oci-auth/login");
    const twelve = Array.from({ length: 12 }, (_, i) => `GET /r${i}`);
    expect(describeInFlight(twelve)).toBe(`12 requests still in flight: ${twelve.slice(0, 10).join(", ")}, … and 2 more`);
  });

  it("InFlightRequests keeps the path without its query string and forgets a request once it closes", () => {
    const inFlight = new InFlightRequests();
    const login = fakeRequest(inFlight, "GET", "/api/v1/auth/oci-auth/login/principal?challenge=secret-value");
    fakeRequest(inFlight, "POST", "/api/v1/identities");
    expect(inFlight.describe()).toEqual(["GET /api/v1/auth/oci-auth/login/principal", "POST /api/v1/identities"]);
    login.finish();
    expect(inFlight.size).toBe(1);
    expect(inFlight.finished).toBe(1);
  });
});

describe("drainConnections", () => {
  let server: http.Server | undefined;
  afterEach(() => {
    server?.closeAllConnections();
    server?.close();
  });

  /** A server whose /held requests wait for `release()`; everything else answers at once. */
  async function startServer() {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    server = http.createServer(async (req, res) => {
      if (req.url === "/held") await released;
      res.end(req.url);
    });
    const inFlight = InFlightRequests.watch(server);
    await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
    return { port: (server.address() as AddressInfo).port, inFlight, release };
  }

  const get = (port: number, path: string, agent: http.Agent) =>
    new Promise<{ status: number; connection: string | undefined; body: string; reused: boolean }>((resolve, reject) => {
      const req = http.get({ host: "127.0.0.1", port, path, agent }, (res) => {
        let body = "";
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode!, connection: res.headers.connection, body, reused: req.reusedSocket }));
      });
      req.on("error", reject);
    });
  const connects = (port: number) =>
    new Promise<string>((resolve) => {
      const socket = net.connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve("connected");
      });
      socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    });

  it("refuses new connections, serves requests in flight and on open connections with Connection: close, closes idle ones, resolves when all are closed", async () => {
    const { port, inFlight, release } = await startServer();
    const agents = {
      held: new http.Agent({ keepAlive: true }),
      idle: new http.Agent({ keepAlive: true }),
      open: new http.Agent({ keepAlive: true }),
    };
    await get(port, "/warm", agents.idle);
    await get(port, "/warm", agents.open);
    const idleSocket = Object.values(agents.idle.freeSockets)[0]![0]!;
    const idleClosed = new Promise((r) => idleSocket.once("close", r));
    const held = get(port, "/held", agents.held);
    await new Promise((r) => setTimeout(r, 50));
    expect(inFlight.describe()).toEqual(["GET /held"]);

    let drained = false;
    const drain = drainConnections(server!, inFlight, 300).then(() => (drained = true));
    expect(await connects(port)).toBe("ECONNREFUSED");
    // A request on a keep-alive connection opened before the drain is still served, and that connection closed by its answer.
    const onOpen = await get(port, "/late", agents.open);
    expect(onOpen).toMatchObject({ status: 200, connection: "close", body: "/late", reused: true });
    await idleClosed; // after the idle grace, while /held is still in flight
    expect(inFlight.size).toBe(1);
    expect(drained).toBe(false);

    release();
    expect(await held).toMatchObject({ status: 200, connection: "close", body: "/held" });
    await drain;
    expect(inFlight.size).toBe(0);
    for (const agent of Object.values(agents)) agent.destroy();
  });
});

describe("drainConnections and upgraded connections", () => {
  it("adds no upgrade listener of its own (Node then serves an Upgrade request as a plain one); closes connections another listener upgraded", async () => {
    const server = http.createServer((_req, res) => res.end("plain"));
    const inFlight = InFlightRequests.watch(server);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    const upgradeRequest = (): Promise<{ socket: net.Socket; head: string }> =>
      new Promise((resolve, reject) => {
        const socket = net.connect(port, "127.0.0.1", () =>
          socket.write("GET /_next/webpack-hmr HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n"),
        );
        socket.once("data", (d) => resolve({ socket, head: d.toString() }));
        socket.once("error", reject);
      });
    try {
      expect(server.listenerCount("upgrade")).toBe(0);
      const plain = await upgradeRequest();
      expect(plain.head).toMatch(/^HTTP\/1.1 200/);
      plain.socket.destroy();

      // What Next's dev server does on its first request: an upgrade listener of its own (hot reload).
      server.on("upgrade", (_req, socket: net.Socket) =>
        socket.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"),
      );
      const hot = await upgradeRequest();
      expect(hot.head).toMatch(/^HTTP\/1.1 101/);
      expect(inFlight.upgraded.size).toBe(1);
      const closed = new Promise((r) => hot.socket.once("close", r));
      const started = performance.now();
      await drainConnections(server, inFlight, 100);
      await closed;
      expect(performance.now() - started).toBeLessThan(1000);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

describe("createShutdown", () => {
  /** A shutdown whose drain and close wait for the test; `calls` records what happened, in order. */
  function setup(overrides: Partial<ShutdownOptions> = {}) {
    const calls: string[] = [];
    const lines: { level: string; message: string; fields: Record<string, unknown> }[] = [];
    let clock = 0;
    let endDrain!: () => void;
    let endClose!: () => void;
    let resolveExit!: (code: number) => void;
    const exited = new Promise<number>((r) => (resolveExit = r));
    const inFlight = new InFlightRequests();
    const shutdown = createShutdown({
      graceMs: 10_000,
      inFlight,
      markNotReady: () => calls.push("not ready"),
      drain: () => new Promise<void>((r) => (endDrain = r)),
      close: async (step) => {
        step("closing the change feed and the database");
        calls.push("close");
        await new Promise<void>((r) => (endClose = r));
      },
      log: {
        info: (message, fields) => lines.push({ level: "info", message, fields }),
        error: (message, fields) => lines.push({ level: "error", message, fields }),
      },
      exit: (code) => resolveExit(code),
      now: () => clock,
      ...overrides,
    });
    return {
      calls,
      lines,
      exited,
      shutdown,
      inFlight,
      tick: (ms: number) => (clock += ms),
      endDrain: () => endDrain(),
      endClose: () => endClose(),
    };
  }
  const settle = () => new Promise((r) => setTimeout(r, 0));

  it("first signal: not ready at once, a start line, the drain, a completion line with duration and count, then closing; exit 0", async () => {
    const s = setup();
    const login = fakeRequest(s.inFlight, "POST", "/api/v1/auth/oci-auth/login");
    s.shutdown("SIGTERM");
    expect(s.calls).toEqual(["not ready"]);
    expect(s.lines[0]).toMatchObject({
      level: "info",
      message: "SIGTERM received, shutting down: draining 1 request in flight (at most 10 s); /readyz answers 503",
      fields: { signal: "SIGTERM", inFlight: 1, graceSeconds: 10 },
    });
    s.tick(3000);
    login.finish();
    fakeRequest(s.inFlight, "GET", "/readyz").finish();
    s.endDrain();
    await settle();
    expect(s.lines[1]).toMatchObject({
      message: "drain complete in 3000 ms: 2 requests finished during the drain",
      fields: { ms: 3000, finished: 2 },
    });
    expect(s.calls).toEqual(["not ready", "close"]);
    s.endClose();
    expect(await s.exited).toBe(0);
    expect(s.lines.map((l) => l.level)).toEqual(["info", "info", "info"]);
  });

  it("an echo of the first signal is ignored; a second signal after it forces exit naming the requests cut", async () => {
    const s = setup();
    fakeRequest(s.inFlight, "POST", "/api/v1/auth/oci-auth/login");
    fakeRequest(s.inFlight, "GET", "/api/v1/identities/abc?secret=x");
    s.shutdown("SIGTERM");
    s.tick(20);
    s.shutdown("SIGTERM"); // the same signal passed on by the launcher
    s.tick(400);
    s.shutdown("SIGINT");
    await settle();
    expect(s.lines).toHaveLength(1);
    s.tick(1000);
    s.shutdown("SIGTERM");
    expect(await s.exited).toBe(FORCED_EXIT_CODE);
    expect(s.lines[1]).toMatchObject({
      level: "error",
      message: "forced exit (second SIGTERM): 2 requests still in flight: POST /api/v1/auth/oci-auth/login, GET /api/v1/identities/abc",
      fields: { inFlight: 2, exitCode: 1 },
    });
  });

  it("the grace passing with requests in flight forces exit naming them", async () => {
    const s = setup({ graceMs: 50 });
    fakeRequest(s.inFlight, "POST", "/api/v1/auth/oci-auth/login");
    s.shutdown("SIGINT");
    expect(await s.exited).toBe(FORCED_EXIT_CODE);
    expect(s.lines[1]!.message).toBe(
      "forced exit (SHUTDOWN_GRACE_SECONDS=0.05 passed): 1 request still in flight: POST /api/v1/auth/oci-auth/login",
    );
  });

  it("closing that hangs past its bound forces exit naming the step; the grace no longer applies once drained", async () => {
    const s = setup({ graceMs: 30, closeTimeoutMs: 120 });
    s.shutdown("SIGTERM");
    s.endDrain();
    await new Promise((r) => setTimeout(r, 60)); // past the grace: the drain is over, so no forced exit
    expect(s.lines.filter((l) => l.level === "error")).toEqual([]);
    expect(await s.exited).toBe(FORCED_EXIT_CODE);
    expect(s.lines.at(-1)!.message).toBe(
      "forced exit (closing took over 0.12 s): no request in flight; cut while closing the change feed and the database",
    );
  });

  it("a failure while closing is logged with its step and exits non-zero", async () => {
    const s = setup({
      close: async (step) => {
        step("closing the change feed and the database");
        throw new Error("connection reset");
      },
    });
    s.shutdown("SIGTERM");
    s.endDrain();
    expect(await s.exited).toBe(FORCED_EXIT_CODE);
    expect(s.lines.at(-1)).toMatchObject({
      level: "error",
      message: "shutting down failed while closing the change feed and the database: connection reset",
    });
  });
});
