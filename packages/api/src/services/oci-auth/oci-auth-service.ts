import * as data from "@ociauth/db";
import { type AttachOciAuthInput, type IdentityIdParams, messages, ttlWithinMax, type UpdateOciAuthInput } from "@ociauth/schema";
import type { AuthedContext } from "../../core/context";
import { badRequest, notFound, validationError } from "../../core/errors";
import { auditEvent } from "../audit/audit-service";
import { loadIdentityFor } from "../auth/permissions";
import { auditDiff } from "../audit/audit-diff";
import { write } from "../writes";
import { ociAuthAuditMetadata, toOciAuthDto, toStoredPrincipalTypes, toStoredTrustedIps } from "./oci-auth-fns";

/** What an update really changed, old and new value of each setting (the identity id aside). */
function ociAuthDiff(current: data.OciAuthRow, updated: ReturnType<typeof toOciAuthDto>) {
  const { identityId: _before, ...before } = ociAuthAuditMetadata(toOciAuthDto(current));
  const { identityId: _after, ...after } = ociAuthAuditMetadata(updated);
  return auditDiff(before, after);
}

const notAttached = () => notFound(messages.ociAuthNotAttached);
const ttlAboveMax = () => validationError([{ code: "custom", path: ["accessTokenTTL"], message: messages.ttlAboveMax }]);

export async function attachOciAuth(ctx: AuthedContext, { identityId, ...body }: AttachOciAuthInput) {
  const { identity } = await loadIdentityFor(ctx, identityId, "create", "attach OCI auth to");
  if (identity.ociAuth) throw badRequest(messages.ociAuthAlreadyAttachedUseUpdate(identityId));
  try {
    return await write(ctx, { identity: identityId }, async (tx) => {
      const row = await data.insertOciAuth(tx, identityId, {
        ...body,
        accessTokenTrustedIps: toStoredTrustedIps(body.accessTokenTrustedIps),
        allowedPrincipalTypes: toStoredPrincipalTypes(body.allowedPrincipalTypes),
      });
      const dto = toOciAuthDto(row);
      await ctx.rt.audit.recordIn(
        tx,
        auditEvent(ctx, {
          orgId: identity.orgId,
          eventType: "add-identity-oci-auth",
          metadata: ociAuthAuditMetadata(dto),
        }),
      );
      return { identityOciAuth: dto };
    });
  } catch (error) {
    // Concurrent attaches: the unique identityId lets exactly one insert win.
    if (data.isUniqueViolation(error)) throw badRequest(messages.ociAuthAlreadyAttachedUseUpdate(identityId));
    if (data.isMissingRowError(error)) throw notFound(messages.identityNotFound(identityId));
    throw error;
  }
}

export async function getOciAuth(ctx: AuthedContext, { identityId }: IdentityIdParams) {
  const { identity } = await loadIdentityFor(ctx, identityId, "read");
  if (!identity.ociAuth) throw notAttached();
  await ctx.rt.audit.record(
    auditEvent(ctx, {
      orgId: identity.orgId,
      eventType: "get-identity-oci-auth",
      metadata: { identityId },
    }),
  );
  return { identityOciAuth: toOciAuthDto(identity.ociAuth) };
}

export async function updateOciAuth(ctx: AuthedContext, { identityId, ...patch }: UpdateOciAuthInput) {
  const { identity } = await loadIdentityFor(ctx, identityId, "edit", "update OCI auth of");
  return write(ctx, { identity: identityId }, async (tx) => {
    const current = await data.findOciAuth(tx, identityId);
    if (!current) throw notAttached();
    const merged = {
      accessTokenTTL: patch.accessTokenTTL ?? current.accessTokenTTL,
      accessTokenMaxTTL: patch.accessTokenMaxTTL ?? current.accessTokenMaxTTL,
    };
    if (!ttlWithinMax(merged)) throw ttlAboveMax();
    const { accessTokenTrustedIps, allowedPrincipalTypes, ...rest } = patch;
    const row = await data.updateOciAuth(tx, identityId, {
      ...rest,
      ...(accessTokenTrustedIps ? { accessTokenTrustedIps: toStoredTrustedIps(accessTokenTrustedIps) } : {}),
      ...(allowedPrincipalTypes !== undefined ? { allowedPrincipalTypes: toStoredPrincipalTypes(allowedPrincipalTypes) } : {}),
    });
    if (!row) throw notAttached();
    // A concurrent update may have changed max TTL between our read and write: re-check the result.
    if (!ttlWithinMax(row)) throw ttlAboveMax();
    const dto = toOciAuthDto(row);
    await ctx.rt.audit.recordIn(
      tx,
      auditEvent(ctx, {
        orgId: identity.orgId,
        eventType: "update-identity-oci-auth",
        metadata: { ...ociAuthAuditMetadata(dto), ...ociAuthDiff(current, dto) },
      }),
    );
    return { identityOciAuth: dto };
  });
}

/** Deletes the config and revokes every token issued through OCI auth for the identity. */
export async function revokeOciAuth(ctx: AuthedContext, { identityId }: IdentityIdParams) {
  const { identity } = await loadIdentityFor(ctx, identityId, "edit", "revoke OCI auth of");
  return write(ctx, { identity: identityId, tokensOfIdentity: identityId }, async (tx) => {
    const row = await data.deleteOciAuth(tx, identityId);
    if (!row) throw notAttached();
    await ctx.rt.audit.recordIn(
      tx,
      auditEvent(ctx, {
        orgId: identity.orgId,
        eventType: "revoke-identity-oci-auth",
        metadata: { identityId },
      }),
    );
    return { identityOciAuth: toOciAuthDto(row) };
  });
}
