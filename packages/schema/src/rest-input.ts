import { z } from "zod";

/**
 * The input of an operation called over REST: its JSON body (or query) plus the parameters of its
 * path. The body may not repeat a path parameter: it is refused as an unknown key, as any other
 * key the operation does not take.
 */
export function restInput(part: unknown, params: Record<string, string>): unknown {
  const names = Object.keys(params);
  if (names.length === 0 || typeof part !== "object" || part === null || Array.isArray(part)) return part;
  const repeated = names.filter((name) => Object.hasOwn(part, name));
  if (repeated.length > 0) {
    const quoted = repeated.map((name) => `"${name}"`).join(", ");
    throw new z.ZodError([
      { code: "unrecognized_keys", keys: repeated, path: [], message: `Unrecognized key${repeated.length > 1 ? "s" : ""}: ${quoted}` },
    ]);
  }
  return { ...part, ...params };
}
