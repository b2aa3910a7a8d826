import { randomUUID } from "node:crypto";
import type { DbClient } from "../client";
import type { Prisma } from "../generated/prisma/client";
import { type OciAuthRow, toOciAuthRow } from "./oci-auth";
import { type TokenAuthRow, toTokenAuthRow } from "./token-auth";

/** One stored metadata pair; the id is assigned when the pair is written. */
export type IdentityMetadataEntry = { id: string; key: string; value: string };

const withAuthMethods = { ociAuth: { select: { id: true } }, tokenAuth: { select: { id: true } } } as const;
type StoredIdentity = Prisma.IdentityGetPayload<{ include: typeof withAuthMethods }>;

/** An identity as the API shows it: every column, metadata and audiences parsed, and whether OCI auth and Token Auth are attached. */
export type IdentityRow = Omit<StoredIdentity, "metadata" | "allowedAudiences"> & {
  metadata: IdentityMetadataEntry[];
  allowedAudiences: string[];
};

/** Parses the `metadata` jsonb column; anything but an array of {id, key, value} strings is corrupt data. */
export function parseIdentityMetadata(value: Prisma.JsonValue): IdentityMetadataEntry[] {
  if (!Array.isArray(value)) throw new TypeError("identities.metadata is not a JSON array");
  return value.map((item) => {
    if (typeof item === "object" && item !== null && !Array.isArray(item)) {
      const { id, key, value: text } = item;
      if (typeof id === "string" && typeof key === "string" && typeof text === "string") return { id, key, value: text };
    }
    throw new TypeError("identities.metadata holds an entry that is not {id, key, value}");
  });
}

function toIdentityRow(row: StoredIdentity): IdentityRow {
  return { ...row, metadata: parseIdentityMetadata(row.metadata), allowedAudiences: parseAudiences(row.allowedAudiences) };
}

/** Each pair gets a new id (a replaced list is a new list, as in Infisical). */
const storedMetadata = (pairs: readonly { key: string; value: string }[]): IdentityMetadataEntry[] =>
  pairs.map(({ key, value }) => ({ id: randomUUID(), key, value }));

export interface NewIdentity {
  orgId: string;
  name: string;
  role: string;
  /** Default false. */
  hasDeleteProtection?: boolean;
  /** Default none. */
  metadata?: readonly { key: string; value: string }[];
  /** Default none: tokens for this service only. */
  allowedAudiences?: readonly string[];
}

export async function createIdentity(db: DbClient, input: NewIdentity): Promise<IdentityRow> {
  const row = await db.identity.create({
    data: { ...input, metadata: storedMetadata(input.metadata ?? []), allowedAudiences: [...(input.allowedAudiences ?? [])] },
    include: withAuthMethods,
  });
  return toIdentityRow(row);
}

export async function findIdentity(db: DbClient, id: string): Promise<IdentityRow | null> {
  const row = await db.identity.findUnique({ where: { id }, include: withAuthMethods });
  return row ? toIdentityRow(row) : null;
}

/**
 * Locks the identity row until the transaction ends (SELECT … FOR UPDATE) and reads it: a
 * read-modify-write (update with its changed fields, delete unless protected) sees no concurrent
 * change in between. Null when the identity does not exist.
 */
export async function findIdentityForUpdate(tx: DbClient, id: string): Promise<IdentityRow | null> {
  const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM identities WHERE id = ${id}::uuid FOR UPDATE`;
  return locked.length === 0 ? null : findIdentity(tx, id);
}

/** Conditions on one text column; all given conditions must hold. LIKE wildcards in `contains` are literal. */
export interface TextCondition {
  equals?: string;
  contains?: string;
  in?: readonly string[];
}

/** Conditions on an identity's columns; all given columns must match. */
export interface IdentityFilter {
  name?: TextCondition;
  role?: TextCondition;
}

export interface IdentityListQuery {
  orgId: string;
  /** Every identity listed matches this filter… */
  filter?: IdentityFilter;
  /** …and, when the list is not empty, at least one of these. */
  anyOf?: readonly IdentityFilter[];
  orderBy?: { field: "createdAt" | "name" | "role"; direction: "asc" | "desc" };
  limit: number;
  offset: number;
  /** false: skip counting the matches (a later slice of a page already counted); totalCount is then -1. */
  count?: boolean;
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, "\\$&");

function textWhere(condition: TextCondition): Prisma.StringFilter[] {
  const where: Prisma.StringFilter[] = [];
  if (condition.equals !== undefined) where.push({ equals: condition.equals });
  if (condition.contains !== undefined) where.push({ contains: escapeLike(condition.contains), mode: "insensitive" });
  if (condition.in !== undefined) where.push({ in: [...condition.in] });
  return where;
}

function identityWhere(filter: IdentityFilter): Prisma.IdentityWhereInput {
  return {
    AND: [...textWhere(filter.name ?? {}).map((name) => ({ name })), ...textWhere(filter.role ?? {}).map((role) => ({ role }))],
  };
}

export async function listIdentities(db: DbClient, query: IdentityListQuery): Promise<{ identities: IdentityRow[]; totalCount: number }> {
  const anyOf = query.anyOf ?? [];
  const where: Prisma.IdentityWhereInput = {
    orgId: query.orgId,
    AND: [identityWhere(query.filter ?? {}), ...(anyOf.length > 0 ? [{ OR: anyOf.map(identityWhere) }] : [])],
  };
  const { field, direction } = query.orderBy ?? { field: "createdAt", direction: "desc" };
  const [rows, totalCount] = await Promise.all([
    db.identity.findMany({
      where,
      include: withAuthMethods,
      orderBy: [field === "name" ? { name: direction } : field === "role" ? { role: direction } : { createdAt: direction }, { id: "asc" }],
      take: query.limit,
      skip: query.offset,
    }),
    query.count === false ? -1 : db.identity.count({ where }),
  ]);
  return { identities: rows.map(toIdentityRow), totalCount };
}

export interface IdentityPatch {
  name?: string;
  role?: string;
  hasDeleteProtection?: boolean;
  /** Replaces the whole list. */
  metadata?: readonly { key: string; value: string }[];
  /** Replaces the whole list. */
  allowedAudiences?: readonly string[];
}

export async function updateIdentity(db: DbClient, id: string, patch: IdentityPatch): Promise<IdentityRow> {
  const { metadata, allowedAudiences, ...columns } = patch;
  const row = await db.identity.update({
    where: { id },
    data: {
      ...columns,
      ...(metadata ? { metadata: storedMetadata(metadata) } : {}),
      ...(allowedAudiences ? { allowedAudiences: [...allowedAudiences] } : {}),
    },
    include: withAuthMethods,
  });
  return toIdentityRow(row);
}

/** Deletes the identity; its OCI auth config and tokens go with it (ON DELETE CASCADE). */
export async function deleteIdentity(db: DbClient, id: string) {
  const rows = await db.identity.deleteMany({ where: { id } });
  return rows.count > 0;
}

/**
 * The identity with its full OCI auth config (or null): what authentication and permission checks
 * need, and what the auth cache holds. Display-only columns (metadata, last login) are left out:
 * the caches do not need them, and a login changes the last login without announcing it.
 */
export async function findIdentityWithOciAuth(db: DbClient, id: string): Promise<IdentityWithOciAuth | null> {
  const identity = await db.identity.findUnique({
    where: { id },
    select: {
      id: true,
      orgId: true,
      name: true,
      role: true,
      createdAt: true,
      updatedAt: true,
      allowedAudiences: true,
      org: { select: { slug: true } },
      ociAuth: true,
      tokenAuth: true,
    },
  });
  if (!identity) return null;
  const { org, allowedAudiences, ...rest } = identity;
  return {
    ...rest,
    orgSlug: org.slug,
    allowedAudiences: parseAudiences(allowedAudiences),
    ociAuth: toOciAuthRow(identity.ociAuth),
    tokenAuth: toTokenAuthRow(identity.tokenAuth),
  };
}

/** The stored audiences (a JSON array of strings); anything else reads as none. */
export function parseAudiences(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

export interface IdentityWithOciAuth {
  id: string;
  orgId: string;
  orgSlug: string;
  name: string;
  /** Audiences a login may ask a token for, besides this service. */
  allowedAudiences: string[];
  role: string;
  createdAt: Date;
  updatedAt: Date;
  ociAuth: OciAuthRow | null;
  tokenAuth: TokenAuthRow | null;
}
