import { createServer, request, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { sendStreamReply } from "./node-adapter";

const CHUNK = "x".repeat(1024 * 1024);
const CHUNKS = 200;

/** A 200 MiB file produced a 1 MiB chunk at a time, counting what was asked for and whether it was closed. */
function countedFile() {
  const state = { pulled: 0, closed: false };
  async function* chunks() {
    try {
      for (; state.pulled < CHUNKS;) {
        state.pulled++;
        yield CHUNK;
      }
    } finally {
      state.closed = true;
    }
  }
  return { state, chunks: chunks() };
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("sendStreamReply (exports over a real socket)", () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  async function serve(file: ReturnType<typeof countedFile>) {
    const done = new Promise<unknown>((resolve) => {
      server = createServer((req, res) => {
        sendStreamReply(res, { status: 200, headers: { "content-type": "text/csv" }, stream: file.chunks }, req.method).then(
          resolve,
          resolve,
        );
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const { port } = server!.address() as AddressInfo;
    return { port, done };
  }

  const get = (port: number, method = "GET") =>
    new Promise<IncomingMessage>((resolve, reject) =>
      request({ host: "127.0.0.1", port, method, path: "/" }, resolve).on("error", reject).end(),
    );

  it("back-pressure: a client that stops reading stops the production after a few chunks", async () => {
    const file = countedFile();
    const { port } = await serve(file);
    const res = await get(port);
    res.pause(); // reads nothing more
    await wait(1000);
    // Socket buffers hold a few MiB; without back-pressure all 200 chunks would have been produced.
    expect(file.state.pulled).toBeGreaterThan(0);
    expect(file.state.pulled).toBeLessThan(40);
    const pulledWhilePaused = file.state.pulled;
    await wait(500);
    expect(file.state.pulled).toBe(pulledWhilePaused);
    let received = 0;
    res.on("data", (chunk: Buffer) => (received += chunk.length));
    res.resume();
    await new Promise((resolve) => res.on("end", resolve));
    expect(received).toBe(CHUNKS * CHUNK.length);
    expect(file.state.closed).toBe(true);
  });

  it("a client that goes away closes the production (the database reading stops)", async () => {
    const file = countedFile();
    const { port, done } = await serve(file);
    const res = await get(port);
    await new Promise((resolve) => res.once("data", resolve));
    res.destroy();
    await done;
    expect(file.state.closed).toBe(true);
    const pulled = file.state.pulled;
    expect(pulled).toBeLessThan(CHUNKS);
    await wait(200);
    expect(file.state.pulled).toBe(pulled);
  });

  it("HEAD: the headers only, nothing produced", async () => {
    const file = countedFile();
    const { port, done } = await serve(file);
    const res = await get(port, "HEAD");
    expect(res.headers["content-type"]).toBe("text/csv");
    await done;
    expect(file.state.pulled).toBe(0);
  });
});
