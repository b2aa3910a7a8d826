import { z } from "zod";

/** Any canonical 8-4-4-4-12 hex id: what PostgreSQL's uuid type stores. */
export const idSchema = (label: string) => z.guid(`${label} must be a UUID`);

export const isoDateSchema = z.iso.datetime({ offset: true });

export const orgRoles = ["admin", "member", "viewer", "no-access"] as const;
export const orgRoleSchema = z.enum(orgRoles, "Role must be one of admin, member, viewer, no-access");
export type OrgRole = z.infer<typeof orgRoleSchema>;

export const nameSchema = (label: string) =>
  z
    .string()
    .trim()
    .min(1, `${label} cannot be empty`)
    .max(64, `${label} must be at most 64 characters`);

export const paginationShape = {
  limit: z.coerce.number().int().min(1).max(100).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
};
