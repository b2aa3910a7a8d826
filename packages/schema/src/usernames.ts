import { z } from "zod";
import { MAX_ALLOWED_USERNAMES_LENGTH } from "./limits";
import { messages } from "./messages";

const USERNAME_PATTERN = /^[a-zA-Z0-9._@-]+$/;

/** Splits a comma-separated list, trimming entries and dropping empty ones. */
export function splitUsernames(value: string): string[] {
  return value
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
}

/**
 * `allowedUsernames`: string or null; trimmed; ≤ 500 chars; each comma-separated entry must match
 * `^[a-zA-Z0-9._@-]+$`. Normalised to entries joined with ", ", or null when nothing remains.
 */
export const allowedUsernamesSchema = z
  .string({ error: (issue) => (issue.input === undefined ? "Allowed usernames is required" : "Allowed usernames must be text or null") })
  .trim()
  .max(MAX_ALLOWED_USERNAMES_LENGTH, messages.usernamesTooLong)
  .refine((value) => splitUsernames(value).every((name) => USERNAME_PATTERN.test(name)), messages.usernamesInvalid)
  .nullable()
  .transform((value) => {
    if (value === null) return null;
    const names = splitUsernames(value);
    return names.length > 0 ? names.join(", ") : null;
  })
  .meta({
    description:
      "Comma-separated OCI usernames that may log in (letters, digits, . _ @ -); null or empty allows every user of the tenancy.",
    example: "ci-runner, deploy@example.com",
  });
