import { type AccessTokenResponse, messages, type OciLoginBody, splitUsernames } from "@ociauth/schema";
import type { ServiceContext } from "../../context";
import { AppError, badRequest, notFound, unauthorized } from "../../errors";
import { recordAudit } from "../audit/audit-service";
import { loadIdentityState } from "../auth/identity-state";
import { enforceRateLimit } from "../rate-limit/rate-limit-service";
import { issueAccessToken } from "../tokens/token-service";
import { getOciUser } from "./oci-identity-client";
import { getOciSigner, OCI_IDENTITY_HOST_PATTERN, USER_OCID_PATTERN } from "./oci-signature-fns";

export const loginMessages = {
  signatureMalformed: 'Invalid OCI request signature. Expected an OCI API-key signature with keyId "<tenancyOcid>/<userOcid>/<fingerprint>".',
  signatureNotUser: "Only OCI user API-key signatures are supported; instance and resource principal signatures are not.",
  signerMismatch: "Access denied: the request was signed by a different OCI user than userOcid.",
  userOcidInvalid: "Invalid user OCID format. Expected ocid1.user.<realm>..<unique id>",
  ociRejected: (code: string) => `Access denied: OCI rejected the signed request (${code}). Check the API key, its fingerprint and the signing date.`,
  ociUnreachable: "Could not reach OCI's identity endpoint. Try again later.",
  userInactive: "Access denied: OCI user is not active.",
} as const;

export type LoginFailureReason =
  | "oci_auth_not_configured"
  | "invalid_host"
  | "invalid_signature"
  | "invalid_user_ocid"
  | "signer_mismatch"
  | "oci_rejected"
  | "oci_unreachable"
  | "tenancy_not_allowed"
  | "username_not_allowed"
  | "user_inactive";

class LoginFailure extends Error {
  constructor(
    readonly reason: LoginFailureReason,
    readonly error: AppError,
  ) {
    super(error.message);
  }
}

const fail = (reason: LoginFailureReason, error: AppError) => new LoginFailure(reason, error);

export interface LoginTimings {
  totalMs: number;
  ociMs: number;
}

/**
 * SPEC §3: a workload exchanges a GetUser request signed with its OCI API key for an access
 * token. Every outcome writes an audit event; failures carry a reason code.
 */
export async function loginWithOci(ctx: ServiceContext, body: OciLoginBody): Promise<AccessTokenResponse> {
  const timings: LoginTimings = { totalMs: 0, ociMs: 0 };
  const started = performance.now();
  await enforceRateLimit(ctx, "login-ip", ctx.meta.ip);
  await enforceRateLimit(ctx, "login-identity", body.identityId);
  const identity = (await loadIdentityState(ctx, body.identityId))?.identity ?? null;
  const config = identity?.ociAuth ?? null;
  const actor = { type: "identity" as const, id: identity?.id ?? body.identityId, name: identity?.name ?? null };
  const orgId = identity?.orgId ?? null;
  try {
    if (!identity || !config) throw fail("oci_auth_not_configured", notFound(messages.ociAuthNotFoundForLogin));
    const { headers } = body;
    if (!OCI_IDENTITY_HOST_PATTERN.test(headers.host)) throw fail("invalid_host", badRequest(messages.invalidOciHost));
    if (!USER_OCID_PATTERN.test(body.userOcid)) throw fail("invalid_user_ocid", badRequest(loginMessages.userOcidInvalid));
    const signer = getOciSigner(headers.authorization);
    if (!signer.ok) {
      const message = signer.reason === "not-user" ? loginMessages.signatureNotUser : loginMessages.signatureMalformed;
      throw fail("invalid_signature", badRequest(message));
    }
    if (signer.userOcid !== body.userOcid) throw fail("signer_mismatch", unauthorized(loginMessages.signerMismatch));

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
    timings.ociMs = result.elapsedMs;
    if (result.kind === "unreachable") throw fail("oci_unreachable", new AppError("BAD_GATEWAY", loginMessages.ociUnreachable));
    if (result.kind === "rejected") {
      if (result.status >= 500) throw fail("oci_unreachable", new AppError("BAD_GATEWAY", loginMessages.ociUnreachable));
      throw fail("oci_rejected", unauthorized(loginMessages.ociRejected(result.code)));
    }
    const user = result.user;
    if (user.compartmentId !== config.tenancyOcid) throw fail("tenancy_not_allowed", unauthorized(messages.tenancyNotAllowed));
    if (config.allowedUsernames !== null && !splitUsernames(config.allowedUsernames).includes(user.name)) {
      throw fail("username_not_allowed", unauthorized(messages.usernameNotAllowed));
    }
    if (user.lifecycleState !== undefined && user.lifecycleState !== "ACTIVE") {
      throw fail("user_inactive", unauthorized(loginMessages.userInactive));
    }

    return await issueAccessToken(
      ctx,
      {
        identityId: identity.id,
        orgId: identity.orgId,
        authMethod: "oci-auth",
        ttl: config.accessTokenTTL,
        maxTtl: config.accessTokenMaxTTL,
        numUsesLimit: config.accessTokenNumUsesLimit,
      },
      (tokenId) => ({
        orgId,
        eventType: "login-identity-oci-auth",
        actor,
        metadata: { identityId: identity.id, identityOciAuthId: config.id, identityAccessTokenId: tokenId, ociUserName: user.name },
      }),
    );
  } catch (error) {
    if (!(error instanceof LoginFailure)) throw error;
    await recordAudit(ctx.db, ctx.meta, undefined, {
      orgId,
      eventType: "login-identity-oci-auth-failed",
      actor,
      metadata: { identityId: identity?.id ?? null, reasonCode: error.reason, message: error.message },
    });
    throw error.error;
  } finally {
    timings.totalMs = Math.round((performance.now() - started) * 100) / 100;
    // Our own time and OCI's, apart (Server-Timing), so OCI's latency is not counted as ours.
    ctx.meta.timings = { app: Math.round((timings.totalMs - timings.ociMs) * 100) / 100, oci: timings.ociMs };
  }
}
