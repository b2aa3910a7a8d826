import { createPublicKey, type KeyObject } from "node:crypto";
import { publicKeyFromJwkClaim, type SecurityTokens } from "./security-tokens.js";
import { type DirectoryEntry, type UserDirectory } from "./user-directory.js";
import { type KeyLookup } from "./verify-signed-headers.js";

export type PrincipalType = "user" | "instance" | "resource";

/** Who signed a request, with the claims OCI reports for it. */
export interface AuthenticatedPrincipal {
  ptype: PrincipalType;
  tenantId: string;
  subjectId: string;
  claims: Record<string, string>;
}

/** Token claims that describe the token rather than the principal. */
const TOKEN_BOOKKEEPING = new Set(["jwk", "jti", "iss", "aud", "iat", "exp", "nbf"]);

/**
 * Finds the key for an OCI keyId: `tenancy/user/fingerprint` (an API key of a known, active
 * user) or `ST$<token>` (a token this stand-in issued; the key is the session key in its `jwk`).
 */
export function lookupPrincipalKey(keyId: string, users: UserDirectory, tokens: SecurityTokens): KeyLookup<AuthenticatedPrincipal> {
  if (keyId.startsWith("ST$")) return lookupTokenKey(keyId.slice(3), tokens);
  if (keyId.split("/")[1] === "fed-x509") return { ok: false, reason: "an instance certificate may only sign requests to /v1/x509" };
  const found = lookupApiKey(keyId, users);
  if (!found.ok) return found;
  const { user } = found.principal.entry;
  return {
    ok: true,
    publicKey: found.publicKey,
    principal: {
      ptype: "user",
      tenantId: user.compartmentId,
      subjectId: user.id,
      claims: { ptype: "user", sub: user.id, tenant: user.compartmentId, fprint: found.principal.fingerprint },
    },
  };
}

/** An API key keyId, `tenancy/user/fingerprint`, of a known and ACTIVE user of that tenancy. */
export function lookupApiKey(keyId: string, users: UserDirectory): KeyLookup<{ entry: DirectoryEntry; fingerprint: string }> {
  const keyParts = keyId.split("/");
  if (keyParts.length !== 3 || keyParts.some((part) => part === "")) {
    return { ok: false, reason: `keyId is not tenancy/user/fingerprint: ${keyId.slice(0, 120)}` };
  }
  const [tenancyOcid, userOcid, fingerprint] = keyParts as [string, string, string];
  const entry = users.get(userOcid);
  if (!entry) return { ok: false, reason: `unknown signing user ${userOcid}` };
  if (entry.user.compartmentId !== tenancyOcid) return { ok: false, reason: `signing user ${userOcid} is not in tenancy ${tenancyOcid}` };
  if ((entry.user.lifecycleState ?? "ACTIVE") !== "ACTIVE")
    return { ok: false, reason: `signing user ${userOcid} is ${entry.user.lifecycleState}` };
  const publicKeyPem = entry.keys.get(fingerprint);
  if (!publicKeyPem) return { ok: false, reason: `unknown key fingerprint ${fingerprint} for user ${userOcid}` };
  return { ok: true, publicKey: createPublicKey(publicKeyPem), principal: { entry, fingerprint } };
}

function lookupTokenKey(token: string, tokens: SecurityTokens): KeyLookup<AuthenticatedPrincipal> {
  const checked = tokens.verify(token);
  if (!checked.ok) return checked;
  const { claims } = checked;
  const ptype = claims.ptype;
  if (ptype !== "instance" && ptype !== "resource") return { ok: false, reason: `security token has unsupported ptype ${String(ptype)}` };
  if (typeof claims.sub !== "string" || typeof claims.tenant !== "string")
    return { ok: false, reason: "security token lacks sub or tenant" };
  const publicKey: KeyObject | undefined = publicKeyFromJwkClaim(claims.jwk);
  if (!publicKey) return { ok: false, reason: "security token has no usable jwk claim" };
  const principalClaims: Record<string, string> = {};
  for (const [key, value] of Object.entries(claims)) {
    if (typeof value === "string" && !TOKEN_BOOKKEEPING.has(key)) principalClaims[key] = value;
  }
  return { ok: true, publicKey, principal: { ptype, tenantId: claims.tenant, subjectId: claims.sub, claims: principalClaims } };
}
