import { z } from "zod";
import { messages } from "./messages";

/**
 * The input of an operation called over REST: its JSON body (or query) plus the parameters of its
 * path. A body may repeat a path parameter with the same value (Terraform's identity update sends
 * `identityId` in the body of `PATCH /api/v1/identities/{identityId}`); a different value is
 * refused, naming the key. Any other key the operation does not take stays an unknown key.
 */
export function restInput(part: unknown, params: Record<string, string>): unknown {
  const names = Object.keys(params);
  if (names.length === 0 || typeof part !== "object" || part === null || Array.isArray(part)) return part;
  const repeated = names.filter((name) => Object.hasOwn(part, name));
  const mismatched = repeated.filter((name) => (part as Record<string, unknown>)[name] !== params[name]);
  if (mismatched.length > 0) {
    throw new z.ZodError(mismatched.map((name) => ({ code: "custom" as const, path: [name], message: messages.pathParamMismatch(name) })));
  }
  return { ...part, ...params };
}
