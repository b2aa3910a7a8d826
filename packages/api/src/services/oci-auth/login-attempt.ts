import { findOrganizationIdBySlug, type IdentityWithOciAuth, type OciAuthRow } from "@ociauth/db";
import { type AccessTokenResponse, messages } from "@ociauth/schema";
import type { ServiceContext } from "../../core/context";
import { type AppError, forbidden, notFound } from "../../core/errors";
import { logins } from "../../core/metrics";
import { auditEvent } from "../audit/audit-service";
import { loadIdentityState } from "../auth/identity-state";
import { enforceRateLimit } from "../rate-limit/rate-limit-service";
import type { PrincipalRefusal } from "./oci-principal-fns";

export type LoginFailureReason =
  | PrincipalRefusal
  | "oci_auth_not_configured"
  | "invalid_headers"
  | "invalid_host"
  | "invalid_signature"
  | "invalid_user_ocid"
  | "signer_mismatch"
  | "wrong_audience"
  | "signature_date_out_of_window"
  | "signature_replayed"
  | "challenge_not_signed"
  | "challenge_unknown"
  | "challenge_expired"
  | "challenge_reused"
  | "challenge_other_identity"
  | "oci_rejected"
  | "oci_unreachable"
  | "oci_throttled"
  | "user_inactive"
  | "organization_not_found"
  | "organization_not_allowed"
  | "audience_not_allowed";

export class LoginFailure extends Error {
  constructor(
    readonly reason: LoginFailureReason,
    readonly error: AppError,
  ) {
    super(error.message);
  }
}

export const fail = (reason: LoginFailureReason, error: AppError) => new LoginFailure(reason, error);

/** One login attempt: the identity it is for, and what the failure audit may say about who tried. */
export interface LoginAttempt {
  identity: Pick<IdentityWithOciAuth, "id" | "name" | "orgId" | "orgSlug" | "allowedAudiences">;
  config: OciAuthRow;
  /** Who signed, once known (never the signature itself): e.g. `{ociUserOcid}` or `{principalOcid}`. */
  signer: Record<string, string | null>;
  /** Time spent waiting for OCI, kept apart from ours (Server-Timing). */
  ociMs: number;
}

/**
 * Runs a login of `method` for `identityId`: counts it against the caller's IP (every attempt;
 * an unknown IP shares one bucket), finds the identity's OCI auth configuration (404 without one),
 * and turns a LoginFailure into its 4xx after recording a `login-identity-oci-auth-failed` audit
 * event with its reason code and a metric. `work` issues the token (and its success event).
 */
export async function runLoginAttempt(
  ctx: ServiceContext,
  method: "oci-auth" | "oci-principal",
  identityId: string,
  signer: LoginAttempt["signer"],
  work: (attempt: LoginAttempt) => Promise<AccessTokenResponse>,
): Promise<AccessTokenResponse> {
  const started = performance.now();
  let ociMs = 0;
  await enforceRateLimit(ctx, "login-ip", ctx.meta.ip);
  const identity = (await loadIdentityState(ctx, identityId))?.identity ?? null;
  const config = identity?.ociAuth ?? null;
  const actor = { type: "identity" as const, id: identity?.id ?? identityId, name: identity?.name ?? null };
  const orgId = identity?.orgId ?? null;
  try {
    if (!identity || !config) throw fail("oci_auth_not_configured", notFound(messages.ociAuthNotFoundForLogin));
    const attempt: LoginAttempt = { identity, config, signer, ociMs: 0 };
    try {
      const issued = await work(attempt);
      logins.inc({ method, outcome: "success" });
      return issued;
    } finally {
      ociMs = attempt.ociMs;
    }
  } catch (error) {
    if (!(error instanceof LoginFailure)) throw error;
    logins.inc({ method, outcome: error.reason });
    await ctx.rt.audit.record(
      auditEvent(ctx, {
        orgId,
        eventType: "login-identity-oci-auth-failed",
        actor,
        // The signature itself is never stored: only who it names, which identity, and why it failed.
        metadata: { identityId: identity?.id ?? identityId, ...signer, reasonCode: error.reason, message: error.message },
      }),
    );
    throw error.error;
  } finally {
    const totalMs = Math.round((performance.now() - started) * 100) / 100;
    // Our own time and OCI's, apart (Server-Timing), so OCI's latency is not counted as ours.
    ctx.meta.timings = { app: Math.round((totalMs - ociMs) * 100) / 100, oci: ociMs };
  }
}

/** The actor of a login's success event. */
export const loginActor = (identity: LoginAttempt["identity"]) => ({ type: "identity" as const, id: identity.id, name: identity.name });

/**
 * A login's `organizationSlug` (Infisical's clients send INFISICAL_AUTH_ORGANIZATION_SLUG) must name
 * the identity's own organization: an unknown slug → 404, another organization's → 403. A login
 * without one pays no lookup.
 */
/**
 * The audience a login asks for: none (or this service's own issuer) means this service; another
 * one must be among the identity's allowed audiences (403 otherwise).
 */
export function loginAudience(ctx: ServiceContext, identity: { allowedAudiences: string[] }, requested: string | undefined) {
  if (requested === undefined || requested === ctx.rt.tokens.issuer) return undefined;
  if (!identity.allowedAudiences.includes(requested))
    throw fail("audience_not_allowed", forbidden(messages.loginAudienceDenied(requested)));
  return requested;
}

export async function checkOrganizationSlug(ctx: ServiceContext, orgId: string, slug: string | undefined): Promise<void> {
  if (!slug) return;
  const slugOrgId = await findOrganizationIdBySlug(ctx.db, slug);
  if (slugOrgId === null) throw fail("organization_not_found", notFound(messages.loginOrganizationNotFound(slug)));
  if (slugOrgId !== orgId) throw fail("organization_not_allowed", forbidden(messages.loginOrganizationDenied(slug)));
}
