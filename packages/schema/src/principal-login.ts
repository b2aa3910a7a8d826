import { z } from "zod";
import { idSchema, objectError, typeError } from "./common";
import { isHeaderValueText } from "./header-values";
import { loginOrganizationSlugSchema } from "./organizations";
import { audienceSchema } from "./token-verification";
import { MAX_AUTHENTICATE_CLIENT_BODY_BYTES, OCI_CHALLENGE_TTL_SECONDS } from "./limits";

/** The path a workload signs (with `?challenge=…`) to bind a challenge into its inner request. */
export const PRINCIPAL_LOGIN_PATH = "/api/v1/auth/oci-auth/login/principal";
/** The header that binds a challenge when the request-target does not carry it. */
export const CHALLENGE_HEADER = "x-ociauth-challenge";
/** 32 random bytes, base64url without padding. */
export const CHALLENGE_PATTERN = /^[A-Za-z0-9_-]{43}$/;

const identityId = idSchema("identityId").meta({
  description: "Id of the machine identity to log in as.",
  example: "7c9e6679-7425-40de-944b-e07fc1f90ae7",
});

export const ociChallengeInputSchema = z.strictObject({ identityId }, { error: objectError("The request body") });

export const ociChallengeResponseSchema = z
  .strictObject({
    challenge: z
      .string()
      .meta({ description: "32 random bytes, base64url. Single use.", example: "q0GkGm0n4m3v3A0x9bQv3Q6iQ0hQ3JwQ8yLkq9d1c2E" }),
    expiresIn: z.number().meta({ description: "Seconds the challenge stays valid.", example: OCI_CHALLENGE_TTL_SECONDS }),
  })
  .meta({ description: "A single-use challenge to bind into the signed inner request of a principal login." });

const MAX_OUTER_HEADERS = 20;
const HEADER_NAME = /^[a-z0-9!#$%&'*+.^_`|~-]{1,64}$/;

/** The outer request's headers: names lower-cased (HTTP names are case-insensitive), values as signed. */
const outerHeadersSchema = z
  .record(
    z.string(),
    z
      .string({ error: typeError("Each header value", "text") })
      .max(8192, "Header values must be at most 8192 characters")
      .refine(isHeaderValueText, "Header values may not contain control characters (such as NUL, CR or LF) or characters above U+00FF"),
    { error: typeError("authenticateClient.headers", "an object of header names and values") },
  )
  .superRefine((headers, ctx) => {
    const names = Object.keys(headers);
    if (names.length > MAX_OUTER_HEADERS) ctx.addIssue({ code: "custom", message: `At most ${MAX_OUTER_HEADERS} headers may be given` });
    const lower = new Set<string>();
    for (const name of names) {
      const key = name.toLowerCase();
      if (!HEADER_NAME.test(key)) ctx.addIssue({ code: "custom", message: `"${name.slice(0, 64)}" is not a header name`, path: [name] });
      if (lower.has(key)) ctx.addIssue({ code: "custom", message: `Header "${key}" is given twice`, path: [name] });
      lower.add(key);
    }
    for (const required of ["authorization", "host"]) {
      if (!lower.has(required))
        ctx.addIssue({
          code: "custom",
          message: `The "${required}" header of the signed authenticateClient request is required`,
          path: [required],
        });
    }
    if (!lower.has("x-date") && !lower.has("date"))
      ctx.addIssue({ code: "custom", message: "Either date or x-date must be provided", path: ["date"] });
  })
  .transform((headers) => Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value])))
  .meta({
    description:
      "Every header of the signed POST /v1/authentication/authenticateClient request (authorization, host, x-date or date, content-type, content-length, x-content-sha256).",
    example: {
      host: "auth.us-ashburn-1.oraclecloud.com",
      "x-date": "Thu, 03 Dec 2026 17:00:00 GMT",
      authorization: 'Signature version="1",keyId="ST$eyJ…",…',
    },
  });

export const ociPrincipalLoginBodySchema = z.strictObject(
  {
    identityId,
    authenticateClient: z
      .strictObject(
        {
          headers: outerHeadersSchema,
          body: z
            .string({ error: typeError("authenticateClient.body", "text") })
            .min(1, "authenticateClient.body cannot be empty")
            .refine(
              (body) => new TextEncoder().encode(body).length <= MAX_AUTHENTICATE_CLIENT_BODY_BYTES,
              `authenticateClient.body must be at most ${MAX_AUTHENTICATE_CLIENT_BODY_BYTES} bytes`,
            )
            .meta({
              description:
                'The exact body that was signed: {"requestHeaders": {<inner header name>: [<value>], …}}, the inner request carrying the challenge.',
            }),
        },
        { error: objectError("authenticateClient") },
      )
      .meta({
        description:
          "The workload's signed POST https://auth.<region>.oraclecloud.com/v1/authentication/authenticateClient request, forwarded unchanged to OCI.",
      }),
    organizationSlug: loginOrganizationSlugSchema,
    audience: audienceSchema.optional().meta({
      description: "The service the token is for (one of the identity's allowedAudiences); default: this service.",
      example: "billing-api",
    }),
  },
  { error: objectError("The request body") },
);

export type OciChallengeInput = z.infer<typeof ociChallengeInputSchema>;
export type OciChallengeResponse = z.infer<typeof ociChallengeResponseSchema>;
export type OciPrincipalLoginBody = z.infer<typeof ociPrincipalLoginBodySchema>;
