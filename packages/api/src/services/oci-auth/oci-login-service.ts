import { forgetLoginSignature, pruneLoginSignatures, rememberLoginSignature } from "@ociauth/db";
import { type AccessTokenResponse, firstInvalidLoginHeader, messages, type OciLoginBody, splitUsernames } from "@ociauth/schema";
import type { ServiceContext } from "../../core/context";
import { AppError, badRequest, serviceUnavailable, unauthorized } from "../../core/errors";
import { checkRateLimit, enforceRateLimit } from "../rate-limit/rate-limit-service";
import { issueAccessToken } from "../tokens/token-service";
import { checkOrganizationSlug, loginAudience, fail, loginActor, type LoginFailure, runLoginAttempt } from "./login-attempt";
import { getOciUser } from "./oci-identity-client";
import {
  checkSignedDate,
  OCI_CLOCK_SKEW_SECONDS,
  ociRetryAfterSeconds,
  SIGNATURE_REUSE_GRACE_MS,
  type SignedDateCheck,
  signatureReplayKey,
} from "./oci-login-fns";
import {
  type LoginPrincipal,
  loginOrigin,
  principalAuditMetadata,
  principalRulesOf,
  refusePrincipal,
  regionOfHost,
} from "./oci-principal-fns";
import { getOciSigner, OCI_IDENTITY_HOST_PATTERN, USER_OCID_PATTERN } from "./oci-signature-fns";

const SKEW = `${OCI_CLOCK_SKEW_SECONDS / 60} minutes`;

export const loginMessages = {
  signatureMalformed:
    'Invalid OCI request signature. Expected an OCI API-key signature with keyId "<tenancyOcid>/<userOcid>/<fingerprint>".',
  signatureNotUser:
    "Only OCI user API-key signatures are accepted here. Instance and resource principals log in with POST /api/v1/auth/oci-auth/challenge, then POST /api/v1/auth/oci-auth/login/principal.",
  signerMismatch: "Access denied: the request was signed by a different OCI user than userOcid.",
  userOcidInvalid: "Invalid user OCID format. Expected ocid1.user.<realm>..<unique id>",
  ociRejected: (code: string) =>
    `Access denied: OCI rejected the signed request (${code}). Check the API key, its fingerprint and the signing date.`,
  ociUnreachable: (endpoint: "identity" | "auth") => `Could not reach OCI's ${endpoint} endpoint. Try again later.`,
  ociThrottled: (seconds: number, endpoint: "identity" | "auth") =>
    `OCI's ${endpoint} endpoint is throttling requests (429). Try again in ${seconds} seconds.`,
  userInactive: "Access denied: OCI user is not active.",
  signatureReplayed:
    "Access denied: this signed request has already been used to log in. Sign a new request for every login (the same signed headers are accepted again only from the same address within 2 seconds of their first use).",
  signatureDateMissing: `Access denied: the signature must cover an x-date or date header that is sent along, within ${SKEW} of the server's clock (OCI's allowed clock skew).`,
  signatureDateUnparseable: (header: string) =>
    `Access denied: the signed ${header} header is not an HTTP date such as "Fri, 27 Nov 2026 18:10:26 GMT" (it must be within ${SKEW} of the server's clock).`,
  signatureDateOutOfWindow: (header: string) =>
    `Access denied: the signed ${header} header is more than ${SKEW} away from the server's clock (OCI's allowed clock skew). Check the clock and sign a new request.`,
} as const;

/** Used signatures are pruned at most this often per process (a cheap DELETE on an index). */
const PRUNE_INTERVAL_MS = 60_000;
let lastPrune = 0;

async function pruneOldSignatures(ctx: ServiceContext, now: number) {
  if (now - lastPrune < PRUNE_INTERVAL_MS) return;
  lastPrune = now;
  await pruneLoginSignatures(ctx.rt.sql, new Date(now));
}

/**
 * A workload exchanges a GetUser request signed with its OCI API key for an access token. Every
 * outcome writes an audit event; failures carry a reason code.
 *
 * Lock-out resistance: every attempt counts against the caller's IP (an unknown IP shares one
 * bucket); the identity's own budget is spent only by attempts whose signature OCI verified, so
 * requests that prove nothing cannot lock the real workload out. Replay protection: a signature
 * is remembered (atomically, before OCI is called) until its signed date leaves the window; it is
 * accepted again only from the same address within SIGNATURE_REUSE_GRACE_MS of its first use.
 */
export function loginWithOci(ctx: ServiceContext, body: OciLoginBody): Promise<AccessTokenResponse> {
  return runLoginAttempt(ctx, "oci-auth", body.identityId, { ociUserOcid: null }, async (attempt) => {
    const { identity, config } = attempt;
    const { headers } = body;
    const badHeader = firstInvalidLoginHeader(headers);
    if (badHeader) throw fail("invalid_headers", badRequest(messages.invalidHeaderValue(badHeader)));
    const region = regionOfHost(headers.host, OCI_IDENTITY_HOST_PATTERN);
    if (region === null) throw fail("invalid_host", badRequest(messages.invalidOciHost));
    if (!USER_OCID_PATTERN.test(body.userOcid)) throw fail("invalid_user_ocid", badRequest(loginMessages.userOcidInvalid));
    const signer = getOciSigner(headers.authorization);
    if (!signer.ok) {
      const message = signer.reason === "not-user" ? loginMessages.signatureNotUser : loginMessages.signatureMalformed;
      throw fail("invalid_signature", badRequest(message));
    }
    attempt.signer.ociUserOcid = signer.userOcid;
    if (signer.userOcid !== body.userOcid) throw fail("signer_mismatch", unauthorized(loginMessages.signerMismatch));
    const now = Date.now();
    const dated = checkSignedDate(signer.signedHeaders, headers, now);
    if (!dated.ok) throw fail("signature_date_out_of_window", unauthorized(signedDateMessage(dated)));

    // The identity's budget is spent by verified attempts only (below); an identity that has
    // spent it is refused before OCI is called.
    await checkRateLimit(ctx, "login-identity", identity.id);
    await pruneOldSignatures(ctx, now);
    const replayKey = signatureReplayKey(signer.signature);
    const use = await rememberLoginSignature(ctx.rt.sql, replayKey, dated.forgetAfter, ctx.meta.ip, SIGNATURE_REUSE_GRACE_MS);
    if (use === "replayed") throw fail("signature_replayed", unauthorized(loginMessages.signatureReplayed));

    const forwarded: Record<string, string> = { authorization: headers.authorization, host: headers.host };
    if (headers["x-date"] !== undefined) forwarded["x-date"] = headers["x-date"];
    if (headers.date !== undefined) forwarded.date = headers.date;
    const result = await getOciUser({
      host: headers.host,
      userOcid: body.userOcid,
      headers: forwarded,
      endpoint: ctx.config.OCI_IDENTITY_ENDPOINT,
      timeoutMs: ctx.config.OCI_REQUEST_TIMEOUT_MS,
    });
    attempt.ociMs = result.elapsedMs;
    if (result.kind !== "ok" && (result.kind === "unreachable" || result.status === 429 || result.status >= 500)) {
      // OCI never judged the signature: the same headers may be sent again.
      if (use === "first") await forgetLoginSignature(ctx.rt.sql, replayKey);
      throw ociUnavailable(result.kind === "rejected" && result.status === 429 ? result.retryAfter : undefined, "identity");
    }
    if (result.kind === "rejected") throw fail("oci_rejected", unauthorized(loginMessages.ociRejected(result.code)));
    // OCI verified the signature: this attempt counts against the identity.
    await enforceRateLimit(ctx, "login-identity", identity.id);
    const user = result.user;
    if (user.compartmentId !== config.tenancyOcid) throw fail("tenancy_not_allowed", unauthorized(messages.tenancyNotAllowed));
    if (config.allowedUsernames !== null && !splitUsernames(config.allowedUsernames).includes(user.name)) {
      throw fail("username_not_allowed", unauthorized(messages.usernameNotAllowedFor(user.name)));
    }
    if (user.lifecycleState !== undefined && user.lifecycleState !== "ACTIVE") {
      throw fail("user_inactive", unauthorized(loginMessages.userInactive));
    }
    const principal: LoginPrincipal = {
      type: "user",
      ocid: signer.userOcid,
      tenancyOcid: user.compartmentId,
      compartmentOcid: user.compartmentId,
      region: null,
      signedRegion: region,
    };
    const refused = refusePrincipal(principalRulesOf(config), principal, { usernameKnown: true });
    if (refused) throw fail(refused.reason, unauthorized(refused.message));
    await checkOrganizationSlug(ctx, identity.orgId, body.organizationSlug);
    const audience = loginAudience(ctx, identity, body.audience);

    return issueAccessToken(
      ctx,
      {
        identity,
        audience,
        authMethod: "oci-auth",
        ttl: config.accessTokenTTL,
        maxTtl: config.accessTokenMaxTTL,
        numUsesLimit: config.accessTokenNumUsesLimit,
        origin: { ...loginOrigin(principal), userOcid: signer.userOcid, username: user.name },
      },
      (tokenId) => ({
        orgId: identity.orgId,
        eventType: "login-identity-oci-auth",
        actor: loginActor(identity),
        metadata: {
          identityId: identity.id,
          identityOciAuthId: config.id,
          identityAccessTokenId: tokenId,
          ociUserOcid: signer.userOcid,
          ociUserName: user.name,
          ...principalAuditMetadata(principal),
        },
      }),
    );
  });
}

/** The refusal of a signed date that is missing, unreadable or outside OCI's clock skew. */
export function signedDateMessage(dated: Extract<SignedDateCheck, { ok: false }>): string {
  if (dated.problem === "missing") return loginMessages.signatureDateMissing;
  if (dated.problem === "unparseable") return loginMessages.signatureDateUnparseable(dated.header);
  return loginMessages.signatureDateOutOfWindow(dated.header);
}

/** OCI never judged the request: throttled (503 with Retry-After) or unreachable / failing (502). */
export function ociUnavailable(throttledRetryAfter: string | null | undefined, endpoint: "identity" | "auth"): LoginFailure {
  if (throttledRetryAfter !== undefined) {
    const seconds = ociRetryAfterSeconds(throttledRetryAfter, Date.now());
    return fail("oci_throttled", serviceUnavailable(loginMessages.ociThrottled(seconds, endpoint), seconds));
  }
  return fail("oci_unreachable", new AppError("BAD_GATEWAY", loginMessages.ociUnreachable(endpoint)));
}
