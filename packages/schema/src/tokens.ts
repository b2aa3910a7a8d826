import { z } from "zod";
import { idSchema } from "./common";
import { messages } from "./messages";

/** HTTP header names are case-insensitive: accept `Authorization`/`Host`/`Date` as sent by some SDKs. */
/** Two spellings of one header with different values are ambiguous: rejected. */
function lowerCaseKeys(value: unknown, ctx: z.RefinementCtx) {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const headers: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const name = key.toLowerCase();
    if (name in headers && headers[name] !== v) {
      ctx.addIssue({ code: "custom", message: `Header "${name}" is given twice with different values`, path: [name] });
    }
    headers[name] = v;
  }
  return headers;
}

const headerValue = (max: number) => z.string().trim().min(1).max(max);

/**
 * Login body. Signed-request `headers` keeps only the headers we forward (unknown header names a
 * client happens to copy along are dropped, as Infisical does); the body itself is strict.
 */
export const ociLoginBodySchema = z.strictObject({
  identityId: idSchema("identityId"),
  userOcid: z.string().trim().min(1, "userOcid cannot be empty").max(255),
  headers: z.preprocess(
    lowerCaseKeys,
    z
      .object({
        authorization: headerValue(4096),
        host: headerValue(255),
        "x-date": headerValue(64).optional(),
        date: headerValue(64).optional(),
      })
      .refine((h) => h.date !== undefined || h["x-date"] !== undefined, { message: messages.dateRequired, path: ["date"] }),
  ),
  organizationSlug: z.string().trim().max(64).optional(),
});

export const accessTokenResponseSchema = z.strictObject({
  accessToken: z.string(),
  expiresIn: z.number(),
  accessTokenMaxTTL: z.number(),
  tokenType: z.literal("Bearer"),
});

export const accessTokenBodySchema = z.strictObject({ accessToken: z.string().trim().min(1).max(8192) });
export const revokeTokenResponseSchema = z.strictObject({ message: z.string() });

export type OciLoginBody = z.infer<typeof ociLoginBodySchema>;
export type AccessTokenResponse = z.infer<typeof accessTokenResponseSchema>;
export type AccessTokenBody = z.infer<typeof accessTokenBodySchema>;
