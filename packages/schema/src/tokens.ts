import { z } from "zod";
import { idSchema, objectError, typeError } from "./common";
import { messages } from "./messages";
import { loginOrganizationSlugSchema } from "./organizations";
import { audienceSchema } from "./token-verification";

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

const headerValue = (name: string, max: number) =>
  z
    .string({ error: typeError(`The "${name}" header`, "text") })
    .trim()
    .min(1, `The "${name}" header cannot be empty`)
    .max(max, `The "${name}" header must be at most ${max} characters`);

/**
 * Login body. Signed-request `headers` keeps only the headers we forward (unknown header names a
 * client happens to copy along are dropped, as Infisical does); the body itself is strict.
 */
export const ociLoginBodySchema = z.strictObject(
  {
    identityId: idSchema("identityId").meta({
      description: "Id of the machine identity to log in as.",
      example: "7c9e6679-7425-40de-944b-e07fc1f90ae7",
    }),
    userOcid: z
      .string({ error: typeError("userOcid", "text") })
      .trim()
      .min(1, "userOcid cannot be empty")
      .max(255, "userOcid must be at most 255 characters")
      .meta({ description: "OCID of the OCI user whose API key signed the request.", example: "ocid1.user.oc1..aaaaaaaaexampleuser" }),
    headers: z
      .preprocess(
        lowerCaseKeys,
        z
          .object(
            {
              authorization: headerValue("authorization", 4096).meta({
                description: "The signed request's Authorization header (OCI HTTP signature).",
              }),
              host: headerValue("host", 255).meta({
                description: "Host of OCI's identity endpoint.",
                example: "identity.us-ashburn-1.oraclecloud.com",
              }),
              "x-date": headerValue("x-date", 64).meta({ description: "Signing date (this or date is required)." }).optional(),
              date: headerValue("date", 64).meta({ description: "Signing date (this or x-date is required)." }).optional(),
            },
            { error: objectError("headers") },
          )
          .refine((h) => h.date !== undefined || h["x-date"] !== undefined, { message: messages.dateRequired, path: ["date"] }),
      )
      .meta({ description: "Headers of a signed GET /20160918/users/{userOcid} request to OCI's identity endpoint." }),
    organizationSlug: loginOrganizationSlugSchema,
    audience: audienceSchema.optional().meta({
      description: "The service the token is for (one of the identity's allowedAudiences); default: this service.",
      example: "billing-api",
    }),
  },
  { error: objectError("The request body") },
);

export const accessTokenResponseSchema = z.strictObject({
  accessToken: z.string(),
  expiresIn: z.number(),
  accessTokenMaxTTL: z.number(),
  tokenType: z.literal("Bearer"),
});

export const accessTokenBodySchema = z.strictObject(
  {
    accessToken: z
      .string({ error: typeError("accessToken", "text") })
      .trim()
      .min(1, "accessToken cannot be empty")
      .max(8192, "accessToken must be at most 8192 characters")
      .meta({ description: "An access token issued by this service." }),
  },
  { error: objectError("The request body") },
);
export const revokeTokenResponseSchema = z.strictObject({ message: z.string() });

export type OciLoginBody = z.infer<typeof ociLoginBodySchema>;
export type AccessTokenResponse = z.infer<typeof accessTokenResponseSchema>;
export type AccessTokenBody = z.infer<typeof accessTokenBodySchema>;
