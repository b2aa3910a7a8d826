import { z } from "zod";
import { MAX_NAME_LENGTH, MAX_PAGE_BYTES } from "./limits";

/**
 * The message of a value of the wrong type (or a missing one): every field names itself, so an
 * operator never reads zod's generic "Invalid input: expected …" wording.
 */
export const typeError =
  (label: string, expected: string) =>
  (issue: { input?: unknown }): string =>
    issue.input === undefined ? `${label} is required` : `${label} must be ${expected}`;

/** Any canonical 8-4-4-4-12 hex id: what PostgreSQL's uuid type stores. */
export const idSchema = (label: string) =>
  z.guid({ error: (issue) => (issue.input === undefined ? `${label} is required` : `${label} must be a UUID`) });

/** A whole number in `min..max`, e.g. `wholeNumberSchema("Access token TTL", 0, 315360000, "seconds")`. */
export function wholeNumberSchema(label: string, min: number, max: number, unit?: string) {
  const of = unit ? ` of ${unit}` : "";
  return z
    .int({ error: typeError(label, `a whole number${of}`) })
    .min(min, `${label} must be ${min} or more`)
    .max(max, `${label} must be at most ${max}${unit ? ` ${unit}` : ""}`);
}

/** A strict JSON object input: the wrong type names it; unknown keys keep zod's "Unrecognized key" list. */
export const objectError = (label: string) => (issue: { code?: string; input?: unknown }) =>
  issue.code === "invalid_type" ? typeError(label, "a JSON object")(issue) : undefined;

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
  z.string({ error: typeError(label, "text") }).refine(isStorableText, `${label} must not contain NUL characters or unpaired surrogates`);

export const nameSchema = (label: string) =>
  storableText(label)
    .trim()
    .min(1, `${label} cannot be empty`)
    .max(MAX_NAME_LENGTH, `${label} must be at most ${MAX_NAME_LENGTH} characters`);

/** A whole number taken from a query string ("50") or JSON (50). */
export const queryWholeNumber = (label: string, min: number, max: number) =>
  z.coerce
    .number({ error: `${label} must be a whole number` })
    .int(`${label} must be a whole number`)
    .min(min, `${label} must be ${min} or more`)
    .max(max, `${label} must be at most ${max}`);

export const offsetSchema = queryWholeNumber("offset", 0, 1_000_000).meta({ description: "Rows to skip.", example: 0 }).default(0);

export const paginationShape = {
  limit: queryWholeNumber("limit", 1, 100).meta({ description: "Page size (1 to 100).", example: 50 }).default(50),
  offset: offsetSchema,
};

/**
 * What every list page adds to its rows: lists are capped by bytes as well as rows
 * (MAX_PAGE_BYTES), so a page may hold fewer rows than asked for.
 */
export const pageContinuationShape = {
  nextOffset: z
    .number()
    .int()
    .nullable()
    .meta({ description: "The offset of the next page (null on the last page): pass it as `offset` to go on." }),
  truncated: z.boolean().meta({
    description: `True when the page stopped before its limit because its rows reached the byte budget of a page (${MAX_PAGE_BYTES} bytes of JSON); go on from nextOffset.`,
  }),
};
