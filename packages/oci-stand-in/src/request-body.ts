import { createHash } from "node:crypto";
import { type IncomingMessage } from "node:http";

export const MAX_BODY_BYTES = 65_536;

/** Reads the whole body, or undefined when it is larger than MAX_BODY_BYTES (the rest is drained). */
export function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on("end", () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** OCI signs the body through `x-content-sha256` (base64 SHA-256) and `content-length`. */
export function checkBodyDigest(headers: Record<string, string>, body: Buffer): string | undefined {
  const digest = createHash("sha256").update(body).digest("base64");
  if (headers["x-content-sha256"] !== digest) return "x-content-sha256 does not match the body";
  if (headers["content-length"] !== String(body.length))
    return `content-length ${headers["content-length"]} is not the body's ${body.length} bytes`;
  return undefined;
}

export function parseJsonObject(body: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body.toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
