import { listMembershipsOfUser } from "@ociauth/db";
import { messages, type SigningKeyView } from "@ociauth/schema";
import type { AuthedContext } from "../../core/context";
import { AppError } from "../../core/errors";
import { auditEvent } from "../audit/audit-service";
import { storedRole } from "../auth/permissions";
import type { KeyStatus } from "./keyring";

/**
 * The signing keys are instance-wide, so they are an admin's: a user with the admin role in some
 * organization, or an admin identity. Returns that organization (where a rotation is audited).
 */
export async function adminOrgOf(
  ctx: AuthedContext,
  refusal: { message: string; subject: string } = { message: messages.signingKeysNeedAdmin, subject: "signing-keys" },
): Promise<string> {
  const { actor } = ctx;
  if (actor.type === "identity") {
    if (actor.role === "admin") return actor.orgId;
  } else {
    const membership = (await listMembershipsOfUser(ctx.db, actor.userId)).find((m) => storedRole(m.role) === "admin");
    if (membership) return membership.orgId;
  }
  throw new AppError("PERMISSION_DENIED", refusal.message, [
    { action: "manage", subject: refusal.subject, inverted: false, conditions: null },
  ]);
}

export const toSigningKeyView = (key: KeyStatus): SigningKeyView => ({
  kid: key.id,
  alg: key.alg,
  createdAt: key.createdAt.toISOString(),
  state: key.state,
  liveTokens: key.liveTokens,
});

/** Every key, newest first: signing, published (tokens it signed still live) or retired. */
export async function listSigningKeys(ctx: AuthedContext): Promise<{ keys: SigningKeyView[] }> {
  await adminOrgOf(ctx);
  const keys = await ctx.rt.tokens.keyring.status();
  return { keys: keys.map(toSigningKeyView) };
}

/**
 * A new signing key now (every instance signs with it within the change feed's bound); the old
 * one stays published while tokens it signed live. Audited as `rotate-signing-key` with both kids.
 */
export async function rotateSigningKey(ctx: AuthedContext): Promise<{ key: SigningKeyView }> {
  const orgId = await adminOrgOf(ctx);
  const { keyring } = ctx.rt.tokens;
  const previousKid = keyring.signingKey().id;
  const rotated = await keyring.rotate();
  await ctx.rt.audit.record(auditEvent(ctx, { orgId, eventType: "rotate-signing-key", metadata: { kid: rotated.id, previousKid } }));
  const status = (await keyring.status()).find((key) => key.id === rotated.id);
  const key = status ?? {
    id: rotated.id,
    alg: rotated.alg,
    createdAt: rotated.createdAt,
    state: "signing",
    liveTokens: 0,
    publicJwk: null,
  };
  return { key: toSigningKeyView(key) };
}
