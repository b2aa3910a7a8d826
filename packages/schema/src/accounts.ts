import { z } from "zod";
import { idSchema, nameSchema, objectError, orgRoleSchema, typeError } from "./common";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "./limits";

export const emailSchema = z
  .string({ error: typeError("Email", "text") })
  .trim()
  .toLowerCase()
  .max(254, "Email must be at most 254 characters")
  .pipe(z.email("Enter a valid email address"))
  .meta({ description: "Email address of the user (stored in lower case).", example: "admin@example.com" });
export const passwordSchema = z
  .string({ error: typeError("Password", "text") })
  .min(MIN_PASSWORD_LENGTH, `Password must be at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(MAX_PASSWORD_LENGTH, `Password must be at most ${MAX_PASSWORD_LENGTH} characters`)
  .meta({ description: `Password of the user (${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters).` });

export const bootstrapBodySchema = z.strictObject(
  {
    email: emailSchema,
    password: passwordSchema,
    organization: nameSchema("Organization name").meta({ description: "Name of the first organization.", example: "Acme" }),
  },
  { error: objectError("The request body") },
);

export const bootstrapResponseSchema = z.strictObject({
  user: z.strictObject({ id: z.string(), email: z.string() }),
  organization: z.strictObject({ id: z.string(), name: z.string(), slug: z.string() }),
  identity: z.strictObject({
    id: z.string(),
    name: z.string(),
    credentials: z.strictObject({ token: z.string() }),
  }),
});

export const userLoginBodySchema = z.strictObject(
  {
    email: emailSchema,
    password: z
      .string({ error: typeError("Password", "text") })
      .min(1, "Password cannot be empty")
      .max(MAX_PASSWORD_LENGTH, `Password must be at most ${MAX_PASSWORD_LENGTH} characters`)
      .meta({ description: "Password of the user." }),
  },
  { error: objectError("The request body") },
);

export const sessionResponseSchema = z.strictObject({
  token: z.string(),
  expiresAt: z.string(),
  user: z.strictObject({ id: z.string(), email: z.string() }),
});

/** REST: `organizationId` comes from the path, the rest from the body. */
export const addOrgUserInputSchema = z.strictObject(
  {
    email: emailSchema,
    password: passwordSchema,
    role: orgRoleSchema.meta({ description: "Role of the user in the organization.", example: "member" }),
    organizationId: idSchema("organizationId").meta({
      description: "Organization the user joins.",
      example: "2f1c5a9e-8b3d-4c6f-9a1e-7d2b4c6e8f01",
    }),
  },
  { error: objectError("The request body") },
);
export const orgUserResponseSchema = z.strictObject({
  user: z.strictObject({ id: z.string(), email: z.string(), role: orgRoleSchema }),
});

/** `auth.me`: the organization to answer for (the dashboard's choice); the user's first one when absent or not theirs. */
export const whoAmIInputSchema = z
  .strictObject({ organizationId: idSchema("organizationId").optional() }, { error: objectError("The request") })
  .optional();

export const bootstrapStatusResponseSchema = z.strictObject({ isSetUp: z.boolean() });

/** Who the caller is: a dashboard user (organization and role of its first membership) or a machine identity. */
export const whoAmIResponseSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("user"),
    id: z.string(),
    name: z.string(),
    organizationId: z.string().nullable(),
    role: orgRoleSchema.nullable(),
  }),
  z.strictObject({ type: z.literal("identity"), id: z.string(), name: z.string(), organizationId: z.string(), role: orgRoleSchema }),
]);

/** Operations that answer nothing but success (logout, ping). */
export const okResponseSchema = z.strictObject({ ok: z.literal(true) });

export type BootstrapBody = z.infer<typeof bootstrapBodySchema>;
export type BootstrapResponse = z.infer<typeof bootstrapResponseSchema>;
export type UserLoginBody = z.infer<typeof userLoginBodySchema>;
export type AddOrgUserInput = z.infer<typeof addOrgUserInputSchema>;
export type WhoAmIInput = z.infer<typeof whoAmIInputSchema>;
