import { consumeLoginChallenge, releaseLoginChallenge } from "@ociauth/db";
import {
  type AccessTokenResponse,
  CHALLENGE_HEADER,
  OCI_CHALLENGE_TTL_SECONDS,
  type OciPrincipalLoginBody,
  PRINCIPAL_LOGIN_PATH,
} from "@ociauth/schema";
import { servicePublicUrl } from "../../core/config";
import type { ServiceContext } from "../../core/context";
import { badRequest, unauthorized } from "../../core/errors";
import { checkRateLimit, enforceRateLimit } from "../rate-limit/rate-limit-service";
import { issueAccessToken } from "../tokens/token-service";
import { checkOrganizationSlug, loginAudience, fail, loginActor, runLoginAttempt } from "./login-attempt";
import { authenticateClient } from "./oci-authenticate-client";
import { challengeHash } from "./oci-challenge-service";
import { checkSignedDate } from "./oci-login-fns";
import { ociUnavailable, signedDateMessage } from "./oci-login-service";
import {
  checkInnerRequest,
  findSignedChallenge,
  outerHeadersToForward,
  parseInnerRequestHeaders,
  loginOrigin,
  OCI_AUTH_HOST_PATTERN,
  principalAuditMetadata,
  principalOfKeyId,
  principalRulesOf,
  refusePrincipal,
  regionOfHost,
  toLoginPrincipal,
} from "./oci-principal-fns";
import { parseSignatureParams } from "./oci-signature-fns";

const CHALLENGE_MINUTES = `${OCI_CHALLENGE_TTL_SECONDS / 60} minutes`;

export const principalLoginMessages = {
  invalidHost: "Invalid OCI host format. Expected format: auth.<region>.oraclecloud.com (the signed authenticateClient request's host).",
  outerSignatureMalformed:
    'Invalid OCI request signature on the authenticateClient request. Expected an OCI signature: Signature version="1",keyId="…",algorithm="rsa-sha256",headers="…",signature="…".',
  connectionHeaderSigned:
    "The authenticateClient request's signature covers a connection header (such as transfer-encoding or connection): sign only the request's own headers, as OCI's SDKs do.",
  contentLengthMismatch: "The signed content-length does not match authenticateClient.body: send the exact body that was signed.",
  innerHeadersInvalid:
    'authenticateClient.body must be the signed JSON {"requestHeaders": {"<header name>": ["<value>"], ...}} describing the inner request.',
  innerSignatureMissing:
    "The inner request in authenticateClient.body carries no OCI signature: sign it and include its authorization header in requestHeaders.",
  challengeNotSigned: `The inner request's signature does not cover a challenge. Sign GET ${PRINCIPAL_LOGIN_PATH}?challenge=<challenge> (the signed (request-target)), or a ${CHALLENGE_HEADER} header listed in the signature, with a challenge from POST /api/v1/auth/oci-auth/challenge.`,
  challengeAmbiguous: `The inner request signs two different challenges (in the request-target and in ${CHALLENGE_HEADER}): sign one.`,
  challengeUnknown: "Access denied: unknown challenge. Get a new one from POST /api/v1/auth/oci-auth/challenge and sign it.",
  challengeExpired: `Access denied: the challenge has expired (challenges are valid for ${CHALLENGE_MINUTES}). Get a new one and sign it.`,
  challengeReused:
    "Access denied: the challenge has already been used. Every login needs a new challenge from POST /api/v1/auth/oci-auth/challenge.",
  challengeOtherIdentity: "Access denied: the challenge was issued for another identity. Get a challenge for this identity and sign it.",
  ociRefused: (errorMessage: string) => `Access denied: OCI did not authenticate the signed request: ${errorMessage}`,
  ociRejected: (status: number, code: string) =>
    `Access denied: OCI rejected the authenticateClient request (${status} ${code}). Its signer needs a policy that allows it to call authenticateClient, and a valid signature and date.`,
  principalUnknown: "Access denied: OCI authenticated a principal this service cannot classify (no ptype claim, or no compartment claim).",
  innerTargetMalformed:
    'The inner request\'s (request-target) must be a lower-case method, a space and a path, e.g. "get /api/v1/auth/oci-auth/login/principal?challenge=…".',
  innerHostNotSigned: (audience: string) =>
    `Access denied: the inner request's signature does not cover its host header. Sign the request for ${audience}, with host in the signed headers (as OCI's SDKs do).`,
  wrongAudience: (host: string, audience: string) =>
    `Access denied: the inner request was signed for ${JSON.stringify(host.slice(0, 100))}, not for this service (${audience}). Sign GET ${audience}${PRINCIPAL_LOGIN_PATH}?challenge=… with the URL this service is reached at (its PUBLIC_URL).`,
  keyIdUnreadable: (which: "outer" | "inner") =>
    `Invalid OCI request signature: the ${which} request's keyId is neither an API key (<tenancy>/<user>/<fingerprint>) nor a security token (ST$<token>).`,
  signerMismatch: (outer: string, inner: string) =>
    `Access denied: the authenticateClient request was signed by ${outer}, but the inner request by ${inner}. A workload signs both requests with its own principal.`,
} as const;

/**
 * A workload (user API key, instance principal or resource principal) logs in with a
 * challenge-bound request that OCI verifies: its outer authenticateClient request, forwarded
 * unchanged, asks OCI who signed the inner request, and the inner request binds the challenge.
 * The service holds no OCI credentials. Checks before OCI is called: host, outer signature
 * shape and date, the inner signature covering a challenge and a date, then the challenge is
 * consumed atomically (a captured login cannot be replayed, on any instance, to any identity).
 */
export function loginWithOciPrincipal(ctx: ServiceContext, body: OciPrincipalLoginBody): Promise<AccessTokenResponse> {
  return runLoginAttempt(ctx, "oci-principal", body.identityId, { principalOcid: null }, async (attempt) => {
    const { identity, config } = attempt;
    const { headers, body: outerBody } = body.authenticateClient;
    const region = regionOfHost(headers.host!, OCI_AUTH_HOST_PATTERN);
    if (region === null) throw fail("invalid_host", badRequest(principalLoginMessages.invalidHost));
    const outer = parseSignatureParams(headers.authorization!);
    const outerSigned = outer?.get("headers")?.trim().toLowerCase().split(/\s+/);
    if (!outer?.get("keyid") || !outer.get("signature") || !outerSigned) {
      throw fail("invalid_signature", badRequest(principalLoginMessages.outerSignatureMalformed));
    }
    if (headers["content-length"] !== undefined && headers["content-length"] !== String(Buffer.byteLength(outerBody, "utf8"))) {
      throw fail("invalid_headers", badRequest(principalLoginMessages.contentLengthMismatch));
    }
    const forwarded = outerHeadersToForward(headers, outerSigned);
    if (!forwarded) throw fail("invalid_headers", badRequest(principalLoginMessages.connectionHeaderSigned));
    const now = Date.now();
    const outerDated = checkSignedDate(outerSigned, headers, now);
    if (!outerDated.ok) throw fail("signature_date_out_of_window", unauthorized(signedDateMessage(outerDated)));

    const inner = parseInnerRequestHeadersOrFail(outerBody);
    // The inner request must be this service's, signed by whoever signed the outer one: a
    // workload's login to another deployment cannot be relayed here. Decided on the signed bytes
    // alone, so the challenge is left untouched (the same request is refused every time).
    const audience = servicePublicUrl(ctx.config).url;
    const innerCheck = checkInnerRequest(inner, audience);
    if (!innerCheck.ok) {
      if (innerCheck.problem === "no_signature") throw fail("invalid_signature", badRequest(principalLoginMessages.innerSignatureMissing));
      if (innerCheck.problem === "malformed_target") throw fail("invalid_headers", badRequest(principalLoginMessages.innerTargetMalformed));
      if (innerCheck.problem === "host_not_signed") {
        throw fail("wrong_audience", unauthorized(principalLoginMessages.innerHostNotSigned(audience.origin)));
      }
      throw fail("wrong_audience", unauthorized(principalLoginMessages.wrongAudience(inner.host!, audience.origin)));
    }
    const outerSigner = principalOfKeyId(outer.get("keyid")!);
    if (outerSigner === null) throw fail("invalid_signature", badRequest(principalLoginMessages.keyIdUnreadable("outer")));
    const innerSigner = principalOfKeyId(innerCheck.keyId);
    if (innerSigner === null) throw fail("invalid_signature", badRequest(principalLoginMessages.keyIdUnreadable("inner")));
    if (innerSigner !== outerSigner) {
      throw fail("signer_mismatch", unauthorized(principalLoginMessages.signerMismatch(outerSigner, innerSigner)));
    }
    const bound = findSignedChallenge(inner, now);
    if (!bound.ok) {
      if (bound.problem === "no_signature") throw fail("invalid_signature", badRequest(principalLoginMessages.innerSignatureMissing));
      if (bound.problem === "not_signed") throw fail("challenge_not_signed", badRequest(principalLoginMessages.challengeNotSigned));
      if (bound.problem === "ambiguous") throw fail("challenge_not_signed", badRequest(principalLoginMessages.challengeAmbiguous));
      if (bound.problem === "date") throw fail("signature_date_out_of_window", unauthorized(signedDateMessage(bound.dated)));
      throw fail("challenge_unknown", unauthorized(principalLoginMessages.challengeUnknown));
    }

    // The identity's budget is spent by verified attempts only (below).
    await checkRateLimit(ctx, "login-identity", identity.id);
    const hash = challengeHash(bound.challenge);
    const consumed = await consumeLoginChallenge(ctx.rt.sql, hash, identity.id, new Date(now));
    if (!consumed.ok) {
      if (consumed.problem === "expired") throw fail("challenge_expired", unauthorized(principalLoginMessages.challengeExpired));
      if (consumed.problem === "reused") throw fail("challenge_reused", unauthorized(principalLoginMessages.challengeReused));
      if (consumed.problem === "other_identity") {
        throw fail("challenge_other_identity", unauthorized(principalLoginMessages.challengeOtherIdentity));
      }
      throw fail("challenge_unknown", unauthorized(principalLoginMessages.challengeUnknown));
    }

    const answer = await authenticateClient({
      host: headers.host!,
      headers: forwarded,
      body: outerBody,
      endpoint: ctx.config.OCI_AUTH_ENDPOINT,
      timeoutMs: ctx.config.OCI_REQUEST_TIMEOUT_MS,
    });
    attempt.ociMs = answer.elapsedMs;
    if (answer.kind === "unreachable" || (answer.kind === "rejected" && (answer.status === 429 || answer.status >= 500))) {
      // OCI never judged the request: the same login may be sent again.
      await releaseLoginChallenge(ctx.rt.sql, hash);
      throw ociUnavailable(answer.kind === "rejected" && answer.status === 429 ? answer.retryAfter : undefined, "auth");
    }
    if (answer.kind === "rejected")
      throw fail("oci_rejected", unauthorized(principalLoginMessages.ociRejected(answer.status, answer.code)));
    if (answer.kind === "refused") throw fail("oci_rejected", unauthorized(principalLoginMessages.ociRefused(answer.errorMessage)));
    attempt.signer.principalOcid = answer.principal.subjectId;
    // OCI verified the signature: this attempt counts against the identity.
    await enforceRateLimit(ctx, "login-identity", identity.id);
    // OCI verified both signatures; the inner one is the principal it names.
    if (answer.principal.subjectId !== outerSigner) {
      throw fail("signer_mismatch", unauthorized(principalLoginMessages.signerMismatch(outerSigner, answer.principal.subjectId)));
    }
    const principal = toLoginPrincipal(answer.principal, region);
    if (!principal) throw fail("oci_rejected", unauthorized(principalLoginMessages.principalUnknown));
    const refused = refusePrincipal(principalRulesOf(config), principal, { usernameKnown: false });
    if (refused) throw fail(refused.reason, unauthorized(refused.message));
    await checkOrganizationSlug(ctx, identity.orgId, body.organizationSlug);
    const tokenAudience = loginAudience(ctx, identity, body.audience);

    const isUser = principal.type === "user";
    return issueAccessToken(
      ctx,
      {
        identity,
        audience: tokenAudience,
        authMethod: "oci-auth",
        ttl: config.accessTokenTTL,
        maxTtl: config.accessTokenMaxTTL,
        numUsesLimit: config.accessTokenNumUsesLimit,
        origin: { ...loginOrigin(principal), userOcid: isUser ? principal.ocid : null },
      },
      (tokenId) => ({
        orgId: identity.orgId,
        eventType: "login-identity-oci-auth",
        actor: loginActor(identity),
        metadata: {
          identityId: identity.id,
          identityOciAuthId: config.id,
          identityAccessTokenId: tokenId,
          loginMethod: "principal",
          challengeBoundBy: bound.boundBy,
          ...(isUser && { ociUserOcid: principal.ocid }),
          ...principalAuditMetadata(principal),
        },
      }),
    );
  });
}

function parseInnerRequestHeadersOrFail(outerBody: string): Record<string, string> {
  const inner = parseInnerRequestHeaders(outerBody);
  if (!inner) throw fail("invalid_headers", badRequest(principalLoginMessages.innerHeadersInvalid));
  return inner;
}
