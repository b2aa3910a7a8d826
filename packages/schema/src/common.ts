import { z } from "zod";
import { MAX_NAME_LENGTH } from "./limits";

/** Any canonical 8-4-4-4-12 hex id: what PostgreSQL's uuid type stores. */
export const idSchema = (label: string) => z.guid(`${label} must be a UUID`);

/** An ISO-8601 datetime (Z or an offset). Response shapes use it: stored dates are always real. */
export const isoDateSchema = z.iso.datetime({ offset: true });

/** The instants both PostgreSQL's timestamptz and JavaScript's ISO strings handle: years 0001..9999 (UTC). */
export const MIN_QUERY_DATE_MS = Date.parse("0001-01-01T00:00:00.000Z");
export const MAX_QUERY_DATE_MS = Date.parse("9999-12-31T23:59:59.999Z");

/**
 * A date filter taken from a request: an ISO-8601 datetime whose instant lies in years
 * 0001..9999 UTC (year 0, or an offset that moves the instant out of that range, would be a
 * database error). One labelled message for every way it can be wrong.
 */
export const queryDateSchema = (label: string) => {
  const message = `${label} must be a date between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z (ISO 8601 with Z or an offset)`;
  return z.iso.datetime({ offset: true, error: message, abort: true }).refine((value) => {
    const ms = Date.parse(value);
    return ms >= MIN_QUERY_DATE_MS && ms <= MAX_QUERY_DATE_MS;
  }, message);
};

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
    .max(MAX_NAME_LENGTH, `${label} must be at most ${MAX_NAME_LENGTH} characters`);

export const paginationShape = {
  limit: z.coerce.number().int().min(1).max(100).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
};
