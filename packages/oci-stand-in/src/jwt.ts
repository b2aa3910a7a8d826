import { createSign, createVerify, type KeyObject } from "node:crypto";

export type JwtClaims = Record<string, unknown>;

const base64url = (value: Buffer | string): string => Buffer.from(value).toString("base64url");

/** An RS256 JWT, the form of OCI security tokens. */
export function signJwt(claims: JwtClaims, privateKey: KeyObject, kid = "asw"): string {
  const signingInput = `${base64url(JSON.stringify({ kid, alg: "RS256" }))}.${base64url(JSON.stringify(claims))}`;
  const signature = createSign("sha256").update(signingInput).sign(privateKey);
  return `${signingInput}.${base64url(signature)}`;
}

export type JwtCheck = { ok: true; claims: JwtClaims } | { ok: false; reason: string };

/** Verifies an RS256 JWT's signature with `publicKey`, then its `exp` and `nbf`. */
export function verifyJwt(token: string, publicKey: KeyObject, nowSeconds = Date.now() / 1000): JwtCheck {
  const parts = token.split(".");
  if (parts.length !== 3) return { ok: false, reason: "security token is not a JWT" };
  const [header, payload, signature] = parts as [string, string, string];
  let alg: unknown;
  let claims: JwtClaims;
  try {
    alg = (JSON.parse(Buffer.from(header, "base64url").toString("utf8")) as { alg?: unknown }).alg;
    claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as JwtClaims;
  } catch {
    return { ok: false, reason: "security token is not a JWT" };
  }
  if (alg !== "RS256") return { ok: false, reason: `security token algorithm ${String(alg)} is not RS256` };
  const verified = createVerify("sha256").update(`${header}.${payload}`).verify(publicKey, Buffer.from(signature, "base64url"));
  if (!verified) return { ok: false, reason: "security token was not issued by this stand-in" };
  if (typeof claims.exp !== "number" || claims.exp <= nowSeconds) return { ok: false, reason: "security token has expired" };
  if (typeof claims.nbf === "number" && claims.nbf > nowSeconds + 60) return { ok: false, reason: "security token is not valid yet" };
  return { ok: true, claims };
}
