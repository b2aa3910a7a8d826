/** Numeric limits and defaults of the wire contract (SPEC §2). */
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
