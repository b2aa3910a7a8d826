import { applySecretFilesOf, resolveSecretFilesOf } from "@ociauth/db/secret-files";

/** Every secret setting; each may instead be given as a file with `<NAME>_FILE` (a mounted Docker/Kubernetes secret). */
export const SECRET_NAMES = [
  "AUTH_SECRET",
  "AUTH_SECRET_PREVIOUS",
  "DATABASE_URL",
  "METRICS_TOKEN",
  "AUDIT_HTTP_HMAC_SECRET",
  "AUDIT_HTTP_TOKEN",
] as const;

/**
 * A new environment with each secret's `X_FILE` read into X and removed. Throws an Error starting
 * with "Invalid configuration:" when both X and X_FILE are set, or the file is unreadable or empty.
 */
export function resolveSecretFiles(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return resolveSecretFilesOf(env, SECRET_NAMES);
}

/**
 * The same on process.env itself, once at start-up before anything reads it: @ociauth/db reads
 * DATABASE_URL from process.env (and passes it to Prisma's CLI), not from the validated configuration.
 */
export function applySecretFiles(env: NodeJS.ProcessEnv = process.env): void {
  applySecretFilesOf(SECRET_NAMES, env);
}
