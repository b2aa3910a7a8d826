import { z } from "zod";

/** Any canonical 8-4-4-4-12 hex id: what PostgreSQL's uuid type stores. */
export const idSchema = (label: string) => z.guid(`${label} must be a UUID`);

export const isoDateSchema = z.iso.datetime({ offset: true });

export const orgRoles = ["admin", "member", "viewer", "no-access"] as const;
export const orgRoleSchema = z.enum(orgRoles, "Role must be one of admin, member, viewer, no-access");
export type OrgRole = z.infer<typeof orgRoleSchema>;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * True when PostgreSQL can store the text: no NUL character and no lone UTF-16 surrogate
 * (either would make the database reject the statement, which must be a 4xx, never a 500).
 */
export function isStorableText(value: string): boolean {
  return !value.includes("\u0000") && !LONE_SURROGATE.test(value);
}

/** A string that PostgreSQL can store; `label` names the field in the message. */
export const storableText = (label: string) =>
  z.string().refine(isStorableText, `${label} must not contain NUL characters or unpaired surrogates`);

export const nameSchema = (label: string) =>
  storableText(label)
    .trim()
    .min(1, `${label} cannot be empty`)
    .max(64, `${label} must be at most 64 characters`);

export const paginationShape = {
  limit: z.coerce.number().int().min(1).max(100).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
};
