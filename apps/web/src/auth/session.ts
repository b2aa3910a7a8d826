import { idSchema, type OrgRole, orgRoleSchema } from "@ociauth/schema";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import type { RequestMeta, ServiceContext } from "@ociauth/api";
import { api } from "@/server-api";
import { loginPath } from "./return-to";

/** The organization the dashboard shows (its id): chosen with the header's organization switcher. */
export const ORGANIZATION_COOKIE = "ociauth_org";

/** The chosen organization's id from its cookie, or null (then the user's first organization is shown). */
async function chosenOrganizationId(): Promise<string | null> {
  const value = api.readCookie((await headers()).get("cookie"), ORGANIZATION_COOKIE);
  return value && idSchema("organizationId").safeParse(value).success ? value : null;
}

/** The dashboard user's session token from the HTTP-only cookie. */
export async function getSessionToken(): Promise<string | null> {
  // Not cookies().get(): that picks one of two same-named cookies; readCookie refuses both.
  return api.readCookie((await headers()).get("cookie"), api.SESSION_COOKIE) || null;
}

/** Request metadata for in-process router calls: the same audit IP/user agent the HTTP API records. */
async function dashboardRequestMeta(token: string | null): Promise<RequestMeta> {
  const h = await headers();
  return {
    reqId: api.newReqId(),
    ip: h.get(api.CLIENT_IP_HEADER),
    userAgent: h.get("user-agent")?.slice(0, 512) ?? null,
    authorization: token ? `Bearer ${token}` : null,
  };
}

/** Router context of this request: authenticated with the session cookie unless `anonymous`. */
export async function dashboardContext(options: { anonymous?: boolean } = {}): Promise<ServiceContext> {
  const token = options.anonymous ? null : await getSessionToken();
  return api.createContextInner({ rt: await api.getRuntime(), meta: await dashboardRequestMeta(token) });
}

/** The tRPC server-side caller, in process (no HTTP): `(await dashboardCaller()).identities.list(...)`. */
export async function dashboardCaller(options: { anonymous?: boolean } = {}) {
  return api.createCaller(await dashboardContext(options));
}

export interface DashboardSession {
  userId: string;
  email: string;
  /** The organization the pages show: the switcher's choice when the user belongs to it, else their first. */
  organizationId: string | null;
  /** The user's role in that organization. */
  role: OrgRole;
}

const isAuthFailure = (error: unknown) => error instanceof api.TRPCError && (error.code === "UNAUTHORIZED" || error.code === "FORBIDDEN");

/** The signed-in user (once per request), or null when there is no valid session. */
export const getSession = cache(async (): Promise<DashboardSession | null> => {
  if (!(await getSessionToken())) return null;
  try {
    const organizationId = await chosenOrganizationId();
    const me = await (await dashboardCaller()).auth.me(organizationId ? { organizationId } : undefined);
    if (me.type !== "user") return null;
    return { userId: me.id, email: me.name, organizationId: me.organizationId, role: orgRoleSchema.catch("no-access").parse(me.role) };
  } catch (error) {
    if (isAuthFailure(error)) return null;
    throw error;
  }
});

export const isInstanceSetUp = cache(async () => (await (await dashboardCaller({ anonymous: true })).bootstrap.status()).isSetUp);

/** Pages other than /setup and /login: the session, else a redirect to /login (back here afterwards). */
export async function requireSession(returnTo: string): Promise<DashboardSession> {
  const hadCookie = Boolean(await getSessionToken());
  const session = await getSession();
  if (session) return session;
  if (!(await isInstanceSetUp())) redirect("/setup");
  redirect(loginPath(returnTo, hadCookie ? "expired" : undefined));
}
