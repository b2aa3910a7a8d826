import { AppError } from "../core/errors";
import { getRuntime } from "../core/process-runtime";
import { type JsonReply, jsonReply, replyRequestId } from "../rest/error-envelope";
import { discoveryDocument, JWKS_PATH, OPENID_CONFIGURATION_PATH } from "../services/keys/discovery";

/** The issuer's public metadata, served by the front door beside the API (not /api/*, never Next). */
export const WELL_KNOWN_PATHS = new Set([OPENID_CONFIGURATION_PATH, JWKS_PATH]);

/**
 * Public and cacheable: five minutes, far shorter than a key stays published after it stops
 * signing (while the tokens it signed live), so a relying party sees a new key before any token
 * signed with it could reach it; an unknown kid is its cue to fetch again.
 */
const CACHE_CONTROL = "public, max-age=300";

export async function serveWellKnown(pathname: string, method: string | undefined): Promise<JsonReply> {
  if (method !== "GET" && method !== "HEAD") {
    throw new AppError("METHOD_NOT_ALLOWED", `Method ${method} is not allowed on ${pathname}`, { allow: ["GET", "HEAD"] });
  }
  const { tokens } = await getRuntime();
  // Public keys only: what the keyring publishes never has a private part.
  const body = pathname === JWKS_PATH ? { keys: await tokens.keyring.publishedJwks() } : discoveryDocument(tokens.issuer);
  return jsonReply(body, 200, replyRequestId(), { "cache-control": CACHE_CONTROL, "access-control-allow-origin": "*" });
}
