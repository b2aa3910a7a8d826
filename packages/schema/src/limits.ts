/** Numeric limits and defaults of the wire contract. */
export const MAX_TOKEN_TTL_SECONDS = 315_360_000; // 10 years
export const DEFAULT_TOKEN_TTL_SECONDS = 2_592_000; // 30 days
/** Use limits and counters are stored as 32-bit integers. */
export const MAX_NUM_USES_LIMIT = 2_147_483_647;
export const MAX_ALLOWED_USERNAMES_LENGTH = 500;
export const DEFAULT_TRUSTED_IPS = [{ ipAddress: "0.0.0.0/0" }, { ipAddress: "::/0" }] as const;
export const MAX_TRUSTED_IPS = 100;
export const MAX_NAME_LENGTH = 64;
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;
export const MAX_IDENTITY_METADATA_ENTRIES = 50;
export const MAX_IDENTITY_METADATA_KEY_LENGTH = 64;
export const MAX_IDENTITY_METADATA_VALUE_LENGTH = 1020;
/** Longest value in a search filter of POST /api/v1/identities/search. */
export const MAX_SEARCH_TERM_LENGTH = 255;
/** The most calls one batched tRPC request may carry (the typed clients split larger batches). */
export const MAX_TRPC_BATCH_CALLS = 50;
/**
 * What one call costs against a tRPC batch's budget, by the work it does: plain reads and writes,
 * lists and searches (many rows), logins and password checks (a hash or OCI's endpoint), exports
 * (every matching event).
 */
export const TRPC_CALL_WEIGHT = { standard: 1, list: 10, login: 10 } as const;
/** The total weight one batched tRPC request may carry (e.g. 10 lists or 50 reads); over it the batch is refused whole (413). */
export const MAX_TRPC_BATCH_WEIGHT = 100;
/** Longest comma-separated list of compartment or principal OCIDs on an OCI auth configuration. */
export const MAX_ALLOWED_OCIDS_LENGTH = 4000;
/** Longest comma-separated list of region names on an OCI auth configuration. */
export const MAX_ALLOWED_REGIONS_LENGTH = 500;
/** A challenge of the principal login is valid this long (OCI's clock skew window). */
export const OCI_CHALLENGE_TTL_SECONDS = 300;
/** Longest authenticateClient body a principal login may carry (its signed inner headers). */
export const MAX_AUTHENTICATE_CLIENT_BODY_BYTES = 16_384;
/**
 * Audit events are capped when written: a text value in an event's metadata keeps at most this
 * many characters (then a `…[truncated: N characters]` marker).
 */
export const MAX_AUDIT_TEXT_LENGTH = 1024;
/**
 * An audit event's metadata is at most this many bytes (UTF-8 JSON). Above it its biggest fields
 * (a diff's `before.metadata` first, then whole top-level fields) are replaced by an
 * `[omitted: N bytes]` marker until it fits; a diff is kept whole only up to this size.
 */
export const MAX_AUDIT_METADATA_BYTES = 16_384;
/**
 * Byte budget of one page of a list (audit events, identities, users, tokens): its rows as JSON.
 * A page stops early once the next row would pass it (it always holds at least one row) and says
 * where to go on (`nextOffset`, `truncated: true`).
 */
export const MAX_PAGE_BYTES = 1_048_576;
