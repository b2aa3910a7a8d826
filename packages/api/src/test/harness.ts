import { randomUUID } from "node:crypto";
import { createTestDatabase } from "@ociauth/db/testing";
import * as data from "@ociauth/db";
import { startRuntime } from "../core/runtime";
import type { OrgRole } from "@ociauth/schema";
import { createContextInner } from "../core/context";
import { useDatabaseForTesting } from "../core/process-runtime";
import { handleRestRequest } from "../rest/dispatch";
import { newReqId } from "../rest/error-envelope";
import { createCaller } from "../trpc/router";
import { hashPassword } from "../services/auth/passwords";

export const TENANCY = "ocid1.tenancy.oc1..aaaaaaaaexampletenancy";
export const PASSWORD = "correct-horse-battery-staple";

export interface RestResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface RestOptions {
  token?: string;
  body?: unknown;
  /** Raw body text (sent as-is, e.g. malformed JSON). */
  rawBody?: string;
  contentType?: string | null;
  ip?: string;
  headers?: Record<string, string>;
}

/**
 * One test file's app: a fresh migrated database (PGlite in memory, or PostgreSQL when the
 * vitest project says so), the REST handler called with real Requests, and tRPC callers.
 */
export async function createTestApp() {
  const database = await createTestDatabase();
  const rt = await useDatabaseForTesting(database);
  const db = database.prisma;

  async function rest<T = any>(method: string, path: string, options: RestOptions = {}): Promise<RestResult<T>> {
    const headers = new Headers(options.headers);
    if (options.token) headers.set("authorization", `Bearer ${options.token}`);
    let body: string | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    const contentType = options.contentType === undefined ? "application/json" : options.contentType;
    if (body !== undefined && contentType) headers.set("content-type", contentType);
    const response = await handleRestRequest(new Request(`http://localhost${path}`, { method, headers, body }), {
      ip: options.ip ?? "127.0.0.1",
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
  }

  function callerOn(runtime: typeof rt, token?: string, ip = "127.0.0.1") {
    return createCaller(
      createContextInner({
        rt: runtime,
        meta: { reqId: newReqId(), ip, userAgent: "vitest", authorization: token ? `Bearer ${token}` : null },
      }),
    );
  }
  const caller = (token?: string, ip = "127.0.0.1") => callerOn(rt, token, ip);

  /** Bootstraps the instance once; returns the admin identity token, user and organization. */
  async function bootstrap() {
    const res = await rest("POST", "/api/v1/admin/bootstrap", {
      body: { email: "admin@example.com", password: PASSWORD, organization: "Acme" },
    });
    if (res.status !== 200) throw new Error(`bootstrap failed: ${JSON.stringify(res.body)}`);
    return {
      adminToken: res.body.identity.credentials.token as string,
      adminIdentityId: res.body.identity.id as string,
      orgId: res.body.organization.id as string,
      userId: res.body.user.id as string,
    };
  }

  /** A dashboard user with `role` in `orgId`, logged in: returns its session token. */
  async function userWithRole(orgId: string, role: OrgRole, email = `${role}-${Math.random().toString(36).slice(2, 8)}@example.com`) {
    await data.createUserInOrganization(db, { email, passwordHash: await hashPassword(PASSWORD), orgId, role });
    const login = await rest("POST", "/api/v1/auth/login", { body: { email, password: PASSWORD } });
    if (login.status !== 200) throw new Error(`login failed: ${JSON.stringify(login.body)}`);
    return login.body.token as string;
  }

  /** A second organization with its own admin user (for cross-organization tests). */
  async function otherOrganization(name = "Other") {
    const org = await db.organization.create({
      data: { name, slug: `${name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}-${randomUUID().slice(0, 8)}` },
    });
    const token = await userWithRole(org.id, "admin");
    return { orgId: org.id, token };
  }

  async function createIdentity(token: string, orgId: string, role: OrgRole = "member", name = "workload") {
    const res = await rest("POST", "/api/v1/identities", { token, body: { name, organizationId: orgId, role } });
    if (res.status !== 200) throw new Error(`create identity failed: ${JSON.stringify(res.body)}`);
    return res.body.identity.id as string;
  }

  /**
   * Another app instance on the same database: on PostgreSQL its own pool, auth cache and change
   * feed; PGlite is one process per folder, so there it is this instance again. `caller` is a
   * tRPC caller on it without credentials, `callerWith(token)` one with.
   */
  async function otherInstance() {
    if (database.target.kind !== "postgres") {
      return { rt, caller: callerOn(rt), callerWith: (token: string) => callerOn(rt, token), close: async () => {} };
    }
    const second = await data.openDatabase(database.target);
    const secondRt = await startRuntime(second);
    return {
      rt: secondRt,
      caller: callerOn(secondRt),
      callerWith: (token: string) => callerOn(secondRt, token),
      close: async () => {
        await secondRt.close();
        await second.close();
      },
    };
  }

  return {
    database,
    db,
    rt,
    otherInstance,
    rest,
    caller,
    bootstrap,
    userWithRole,
    otherOrganization,
    createIdentity,
    close: async () => {
      await rt.close();
      await database.close();
    },
  };
}

export type TestApp = Awaited<ReturnType<typeof createTestApp>>;
