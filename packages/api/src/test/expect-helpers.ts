import { expect } from "vitest";
import { REQ_ID_PATTERN } from "@ociauth/schema";
import * as data from "@ociauth/db";
import type { OrgRole } from "@ociauth/schema";
import { hashPassword } from "../services/auth/passwords";
import { PASSWORD, type RestResult, type TestApp } from "./harness";

/** The fields of zod issues a client relies on (the rest — origin, format, … — is zod's business). */
export interface IssueLike {
  path: (string | number)[];
  message: string;
  code?: string;
}

/**
 * Asserts Infisical's REST error envelope exactly: status, `statusCode`, `error`, `message`, a
 * `reqId` that matches the x-request-id header, and `details` present on 403 only.
 */
export function expectError(res: RestResult, status: number, error: string, message: string, details?: unknown) {
  expect({ status: res.status, error: res.body?.error, message: res.body?.message }).toEqual({ status, error, message });
  expectEnvelope(res, status);
  if (details !== undefined) expect(res.body.details).toEqual(details);
}

/** 422 ValidationFailure whose `message` is exactly these zod issues (path, message and code if given). */
export function expectValidation(res: RestResult, issues: IssueLike[]) {
  expect({ status: res.status, error: res.body?.error }).toEqual({ status: 422, error: "ValidationFailure" });
  expectEnvelope(res, 422);
  expect(Array.isArray(res.body.message)).toBe(true);
  expect(pickIssues(res.body.message, issues)).toEqual(issues);
}

export function pickIssues(actual: IssueLike[], like: IssueLike[]): IssueLike[] {
  const withCode = like.some((i) => i.code !== undefined);
  return actual.map((i) => (withCode ? { path: i.path, message: i.message, code: i.code } : { path: i.path, message: i.message }));
}

function expectEnvelope(res: RestResult, status: number) {
  const keys = Object.keys(res.body).sort();
  expect(keys).toEqual(
    status === 403 ? ["details", "error", "message", "reqId", "statusCode"] : ["error", "message", "reqId", "statusCode"],
  );
  expect(res.body.statusCode).toBe(status);
  expect(res.body.reqId).toMatch(REQ_ID_PATTERN);
  expect(res.headers.get("x-request-id")).toBe(res.body.reqId);
}

/** Our flat identity (tRPC, typed client). */
export const IDENTITY_KEYS = [
  "allowedAudiences",
  "authMethods",
  "createdAt",
  "hasDeleteProtection",
  "id",
  "lastLoginAuthMethod",
  "lastLoginTime",
  "metadata",
  "name",
  "organizationId",
  "role",
  "updatedAt",
];
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function expectDates(value: Record<string, unknown>) {
  expect(value.createdAt).toMatch(ISO);
  expect(value.updatedAt).toMatch(ISO);
  expect(new Date(value.createdAt as string).toISOString()).toBe(value.createdAt);
}

export function expectIdentityShape(identity: Record<string, unknown>) {
  expect(Object.keys(identity).sort()).toEqual(IDENTITY_KEYS);
  expectDates(identity);
}

/** Infisical's shapes of the REST API (keys sorted). */
export const REST_IDENTITY_KEYS = {
  created: ["authMethods", "createdAt", "hasDeleteProtection", "id", "metadata", "name", "orgId", "updatedAt"],
  updated: ["createdAt", "hasDeleteProtection", "id", "metadata", "name", "orgId", "updatedAt"],
  deleted: ["createdAt", "hasDeleteProtection", "id", "name", "orgId", "updatedAt"],
  membership: [
    "createdAt",
    "customRole",
    "id",
    "identity",
    "lastLoginAuthMethod",
    "lastLoginTime",
    "metadata",
    "orgId",
    "role",
    "updatedAt",
  ],
  membershipIdentity: ["authMethods", "hasDeleteProtection", "id", "name"],
};

export function expectRestIdentityShape(kind: "created" | "updated" | "deleted", identity: Record<string, unknown>) {
  expect(Object.keys(identity).sort()).toEqual(REST_IDENTITY_KEYS[kind]);
  expectDates(identity);
}

/** Infisical's membership shape, exactly; the membership id is the identity id. */
export function expectMembershipShape(membership: Record<string, any>) {
  expect(Object.keys(membership).sort()).toEqual(REST_IDENTITY_KEYS.membership);
  expect(Object.keys(membership.identity).sort()).toEqual(REST_IDENTITY_KEYS.membershipIdentity);
  expect(membership.id).toBe(membership.identity.id);
  expect(membership.customRole).toBeNull();
  expectDates(membership);
}

/**
 * An access token for an existing identity (auth method "token", no expiry), minted the way the
 * bootstrap mints the admin identity's: a database row plus a JWT signed with the instance's signing key.
 * Lets tests act as identities of any role without going through an OCI login.
 */
export async function identityToken(app: TestApp, identityId: string): Promise<string> {
  const identity = await app.db.identity.findUniqueOrThrow({ where: { id: identityId } });
  const row = await app.db.identityAccessToken.create({
    data: { identityId, authMethod: "token", accessTokenTTL: 0, accessTokenMaxTTL: 0 },
  });
  return app.rt.tokens.sign(
    { authTokenType: "identityAccessToken", identityId, orgId: identity.orgId, authMethod: "token", jti: row.id },
    null,
  );
}

let passwordHash: Promise<string> | undefined;

/**
 * A dashboard user with `role` in `orgId` and a session token, like `app.userWithRole` but without
 * the two scrypt runs per user (one hash per file, no login request): the session row and JWT are
 * made exactly as loginUser makes them. The user can still log in with PASSWORD.
 */
export async function userToken(
  app: TestApp,
  orgId: string,
  role: OrgRole,
  email = `${role}-${Math.random().toString(36).slice(2, 10)}@example.com`,
) {
  passwordHash ??= hashPassword(PASSWORD);
  const { user } = await data.createUserInOrganization(app.db, { email, passwordHash: await passwordHash, orgId, role });
  const expiresAt = new Date(Date.now() + 3600_000);
  const session = await data.createUserSession(app.db, user.id, expiresAt);
  const token = await app.rt.tokens.sign({ authTokenType: "accessToken", userId: user.id, jti: session.id }, expiresAt);
  return { token, userId: user.id, email };
}

/** Everything a management request may change (token use counters excluded: using a token counts). */
export async function snapshot(app: TestApp) {
  const [identities, ociAuths, tokenAuths, users, memberships, organizations, auditEvents] = await Promise.all([
    app.db.identity.findMany({ orderBy: { id: "asc" } }),
    app.db.identityOciAuth.findMany({ orderBy: { id: "asc" } }),
    app.db.identityTokenAuth.findMany({ orderBy: { id: "asc" } }),
    app.db.user.findMany({ orderBy: { id: "asc" } }),
    app.db.orgMembership.findMany({ orderBy: { id: "asc" } }),
    app.db.organization.findMany({ orderBy: { id: "asc" } }),
    app.db.auditEvent.count(),
  ]);
  return { identities, ociAuths, tokenAuths, users, memberships, organizations, auditEvents };
}

/** Runs `reject` (a request that must be refused) and asserts the database is exactly as before. */
export async function expectUnchanged<T>(app: TestApp, reject: () => Promise<T>): Promise<T> {
  const before = await snapshot(app);
  const result = await reject();
  expect(await snapshot(app)).toEqual(before);
  return result;
}

export const UNKNOWN_ID = "00000000-0000-4000-8000-000000000000";

/** Retries `check` until it passes or `timeoutMs` runs out (then its last failure is thrown). */
export async function eventually(check: () => Promise<void>, timeoutMs = 2000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
