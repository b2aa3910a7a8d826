import * as data from "@ociauth/db";
import { logins } from "../../core/metrics";
import { type BootstrapBody, messages, slugFromName, type UserLoginBody, type WhoAmIInput } from "@ociauth/schema";
import type { AuthedContext, ServiceContext } from "../../core/context";
import { badRequest, unauthorized } from "../../core/errors";
import { auditEvent } from "../audit/audit-service";
import { getDummyPasswordHash, hashPassword, verifyPassword } from "../auth/passwords";
import { storedRole } from "../auth/permissions";
import { claimPasswordAttempt, clearPasswordBackoff } from "../rate-limit/login-backoff-service";
import { enforceRateLimit } from "../rate-limit/rate-limit-service";
import { tokenClaimsOf } from "../tokens/token-claims-fns";
import { write } from "../writes";

export const ADMIN_IDENTITY_NAME = "admin";

export async function bootstrapStatus(ctx: ServiceContext) {
  return { isSetUp: await isInstanceSetUp(ctx) };
}

async function isInstanceSetUp(ctx: ServiceContext): Promise<boolean> {
  return (await data.countUsers(ctx.db)) > 0;
}

/**
 * First run only: the admin user, the organization and an admin machine identity whose
 * non-expiring token is returned once. Afterwards (also for a concurrent second call): 400.
 */
export async function bootstrapInstance(ctx: ServiceContext, body: BootstrapBody) {
  await enforceRateLimit(ctx, "bootstrap-ip", ctx.meta.ip);
  if (await isInstanceSetUp(ctx)) throw badRequest(messages.alreadyBootstrapped);
  const passwordHash = await hashPassword(body.password);
  const key = ctx.rt.tokens.currentKey();
  let created: Awaited<ReturnType<typeof data.createInstanceOwner>>;
  try {
    created = await write(ctx, {}, async (tx) => {
      const result = await data.createInstanceOwner(tx, {
        email: body.email,
        passwordHash,
        organizationName: body.organization,
        organizationSlug: slugFromName(body.organization),
        identityName: ADMIN_IDENTITY_NAME,
        signingKeyId: key.id,
      });
      await ctx.rt.audit.recordIn(
        tx,
        auditEvent(ctx, {
          orgId: result.organization.id,
          eventType: "bootstrap-instance",
          actor: { type: "user", id: result.user.id, name: result.user.email },
          metadata: { organizationId: result.organization.id, identityId: result.identity.id },
        }),
      );
      return result;
    });
  } catch (error) {
    if (data.isUniqueViolation(error)) throw badRequest(messages.alreadyBootstrapped);
    throw error;
  }
  const token = await ctx.rt.tokens.sign(
    {
      authTokenType: "identityAccessToken",
      identityId: created.identity.id,
      orgId: created.organization.id,
      authMethod: "token",
      jti: created.token.id,
    },
    null,
    {
      key,
      extra: tokenClaimsOf({
        orgId: created.organization.id,
        orgSlug: created.organization.slug,
        identityName: created.identity.name,
        authMethod: "token",
      }),
    },
  );
  return {
    user: { id: created.user.id, email: created.user.email },
    organization: { id: created.organization.id, name: created.organization.name, slug: created.organization.slug },
    identity: { id: created.identity.id, name: created.identity.name, credentials: { token } },
  };
}

export async function loginUser(ctx: ServiceContext, body: UserLoginBody) {
  await enforceRateLimit(ctx, "login-ip", ctx.meta.ip);
  await claimPasswordAttempt(ctx, body.email);
  const user = await data.findUserByEmail(ctx.db, body.email);
  const ok = await verifyPassword(body.password, user?.passwordHash ?? (await getDummyPasswordHash()));
  if (!user || !ok) {
    // One outcome for both: a public count of unknown emails would tell which emails have accounts.
    logins.inc({ method: "password", outcome: "invalid_credentials" });
    const memberships = user ? await data.listMembershipsOfUser(ctx.db, user.id) : [];
    await ctx.rt.audit.record(
      auditEvent(ctx, {
        orgId: memberships[0]?.orgId ?? null,
        eventType: "login-user-failed",
        actor: { type: "user", id: user?.id ?? null, name: body.email },
        metadata: { email: body.email, reasonCode: user ? "wrong_password" : "unknown_email" },
      }),
    );
    throw unauthorized(messages.invalidCredentials);
  }
  await clearPasswordBackoff(ctx.db, body.email);
  const expiresAt = new Date(Date.now() + ctx.config.SESSION_TTL_SECONDS * 1000);
  const key = ctx.rt.tokens.currentKey();
  const session = await data.createUserSession(ctx.db, user.id, expiresAt, key.id);
  const memberships = await data.listMembershipsOfUser(ctx.db, user.id);
  await ctx.rt.audit.record(
    auditEvent(ctx, {
      orgId: memberships[0]?.orgId ?? null,
      eventType: "login-user",
      actor: { type: "user", id: user.id, name: user.email },
      metadata: { userId: user.id },
    }),
  );
  const token = await ctx.rt.tokens.sign({ authTokenType: "accessToken", userId: user.id, jti: session.id }, expiresAt, { key });
  logins.inc({ method: "password", outcome: "success" });
  return { token, expiresAt: expiresAt.toISOString(), user: { id: user.id, email: user.email } };
}

export async function logoutUser(ctx: AuthedContext) {
  const { actor } = ctx;
  if (actor.type === "user") await write(ctx, {}, (tx) => data.revokeUserSession(tx, actor.sessionId));
  return { ok: true as const };
}

/**
 * Who the caller is. For a user: the organization asked for when they belong to it (the
 * dashboard's choice), else their first one, with their role in it.
 */
export async function whoAmI(ctx: AuthedContext, input: WhoAmIInput) {
  const { actor } = ctx;
  if (actor.type === "identity") {
    return { type: "identity" as const, id: actor.identityId, name: actor.name, organizationId: actor.orgId, role: actor.role };
  }
  const memberships = await data.listMembershipsOfUser(ctx.db, actor.userId);
  const chosen = memberships.find((m) => m.orgId === input?.organizationId) ?? memberships[0];
  return {
    type: "user" as const,
    id: actor.userId,
    name: actor.email,
    organizationId: chosen?.orgId ?? null,
    role: chosen ? storedRole(chosen.role) : null,
  };
}
