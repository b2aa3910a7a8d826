import { createHash, createPublicKey, generateKeyPairSync, randomUUID, type KeyObject } from "node:crypto";
import { assertOcidInRegion } from "./region-codes.js";
import { signJwt, verifyJwt, type JwtCheck, type JwtClaims } from "./jwt.js";
import { type StandInResource } from "./types.js";

export const TOKEN_ISSUER = "authService.oracle.com";

/** OCI puts the session public key into the token as a JSON string of an RSA JWK. */
export function sessionJwk(sessionPublicKey: KeyObject): string {
  const jwk = sessionPublicKey.export({ format: "jwk" });
  const kid = createHash("sha256")
    .update(sessionPublicKey.export({ type: "spki", format: "der" }))
    .digest("hex")
    .slice(0, 32);
  return JSON.stringify({ kid, n: jwk.n, e: jwk.e, kty: "RSA", alg: "RS256", use: "sig" });
}

/** The session public key a token's `jwk` claim carries, or undefined when the claim is unusable. */
export function publicKeyFromJwkClaim(claim: unknown): KeyObject | undefined {
  if (typeof claim !== "string") return undefined;
  try {
    const jwk = JSON.parse(claim) as { kty?: string; n?: string; e?: string };
    if (jwk.kty !== "RSA" || typeof jwk.n !== "string" || typeof jwk.e !== "string") return undefined;
    return createPublicKey({ key: { kty: "RSA", n: jwk.n, e: jwk.e }, format: "jwk" });
  } catch {
    return undefined;
  }
}

/** Mints and checks the stand-in's security tokens (instance principal tokens and RPSTs). */
export class SecurityTokens {
  private readonly keys = generateKeyPairSync("rsa", { modulusLength: 2048 });
  readonly publicKeyPem = this.keys.publicKey.export({ type: "spki", format: "pem" }).toString();

  constructor(private readonly lifetimeSeconds: number) {}

  instanceToken(
    certificate: { instanceId: string; compartmentId: string; tenancyId: string; sha1Fingerprint: string },
    sessionPublicKey: KeyObject,
  ): string {
    return this.sign(
      {
        sub: certificate.instanceId,
        "opc-certtype": "instance",
        fprint: certificate.sha1Fingerprint,
        ptype: "instance",
        ttype: "x509",
        "opc-instance": certificate.instanceId,
        "opc-compartment": certificate.compartmentId,
        "opc-tenant": certificate.tenancyId,
        tenant: certificate.tenancyId,
      },
      sessionPublicKey,
    );
  }

  resourceToken(resource: StandInResource, sessionPublicKey: KeyObject, expiresAt?: Date): string {
    assertOcidInRegion(resource.id, resource.region);
    return this.sign(
      {
        sub: resource.id,
        ptype: "resource",
        ttype: "res",
        res_type: resource.type ?? "fnfunc",
        res_id: resource.id,
        res_compartment: resource.compartmentId,
        res_tenant: resource.tenancyId,
        tenant: resource.tenancyId,
      },
      sessionPublicKey,
      expiresAt,
    );
  }

  verify(token: string): JwtCheck {
    return verifyJwt(token, this.keys.publicKey);
  }

  private sign(claims: JwtClaims, sessionPublicKey: KeyObject, expiresAt?: Date): string {
    const iat = Math.floor(Date.now() / 1000);
    const exp = expiresAt ? Math.floor(expiresAt.getTime() / 1000) : iat + this.lifetimeSeconds;
    return signJwt(
      { ...claims, iss: TOKEN_ISSUER, aud: "oci", iat, exp, jti: randomUUID(), jwk: sessionJwk(sessionPublicKey) },
      this.keys.privateKey,
    );
  }
}
