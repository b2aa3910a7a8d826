import { z } from "zod";

/** Infisical's REST error envelope. `message` is the zod issue array for 422. */
export const errorNames = [
  "ValidationFailure",
  "BadRequest",
  "UnauthorizedError",
  "PermissionDenied",
  "PermissionBoundaryError",
  "TokenError",
  "ForbiddenError",
  "NotFound",
  "RateLimitExceeded",
  "MethodNotAllowed",
  "PayloadTooLarge",
  "BadGateway",
  "ServiceUnavailable",
  "InternalServerError",
] as const;
export type ErrorName = (typeof errorNames)[number];

export const REQ_ID_PATTERN = /^req-[A-Za-z0-9]{14}$/;

export const errorEnvelopeSchema = z.strictObject({
  reqId: z.string().regex(REQ_ID_PATTERN),
  statusCode: z.number().int(),
  message: z.union([z.string(), z.array(z.unknown())]),
  error: z.enum(errorNames),
  details: z.unknown().optional(),
});
export type ErrorEnvelope = z.infer<typeof errorEnvelopeSchema>;
