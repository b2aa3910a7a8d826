import { commaListSchema, splitCommaList } from "./comma-list";
import { MAX_ALLOWED_USERNAMES_LENGTH } from "./limits";
import { messages } from "./messages";

/** Splits a comma-separated list, trimming entries and dropping empty ones. */
export const splitUsernames = splitCommaList;

/**
 * `allowedUsernames`: string or null; trimmed; ≤ 500 chars; each comma-separated entry must match
 * `^[a-zA-Z0-9._@-]+$`. Normalised to entries joined with ", ", or null when nothing remains.
 */
export const allowedUsernamesSchema = commaListSchema({
  label: "Allowed usernames",
  maxLength: MAX_ALLOWED_USERNAMES_LENGTH,
  tooLongMessage: messages.usernamesTooLong,
  entryPattern: /^[a-zA-Z0-9._@-]+$/,
  invalidMessage: messages.usernamesInvalid,
  description: "Comma-separated OCI usernames that may log in (letters, digits, . _ @ -); null or empty allows every user of the tenancy.",
  example: "ci-runner, deploy@example.com",
});
