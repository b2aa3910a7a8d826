"use server";

import { bootstrapBodySchema, idSchema, userLoginBodySchema } from "@ociauth/schema";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { api } from "@/server-api";
import { dashboardCaller, getSessionToken, ORGANIZATION_COOKIE } from "./session";
import { loginPath, safeReturnTo } from "./return-to";

export interface ActionFailure {
  ok: false;
  message: string;
  /** Zod messages by field path ("email", "password", …), the same the API answers. */
  fieldErrors: Record<string, string>;
}

export type SetupResult =
  | ActionFailure
  | {
      ok: true;
      email: string;
      organization: { id: string; name: string };
      identity: { id: string; name: string; token: string };
    };

function fieldErrorsOf(issues: readonly { path: readonly PropertyKey[]; message: string }[]): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of issues) {
    const key = issue.path.map(String).join(".");
    errors[key] ??= issue.message;
  }
  return errors;
}

/** Zod's issues, also of an error thrown by the server side's own copy of zod (no instanceof across copies). */
function zodIssuesOf(error: unknown): z.core.$ZodIssue[] | null {
  if (error instanceof z.ZodError) return error.issues;
  const issues = error instanceof Error && error.name === "ZodError" && "issues" in error ? error.issues : null;
  return Array.isArray(issues) ? issues : null;
}

function failure(error: unknown): ActionFailure {
  const issues = zodIssuesOf(error);
  if (issues) return { ok: false, message: "Check the highlighted fields.", fieldErrors: fieldErrorsOf(issues) };
  if (error instanceof api.TRPCError) {
    if (zodIssuesOf(error.cause)) return failure(error.cause);
    if (error.code !== "INTERNAL_SERVER_ERROR") return { ok: false, message: error.message, fieldErrors: {} };
  }
  console.error("dashboard action failed", error);
  return { ok: false, message: "Something went wrong. Try again; if it keeps failing, check the server logs.", fieldErrors: {} };
}

/** First run: the same bootstrap service as POST /api/v1/admin/bootstrap. The token is returned once, never stored. */
export async function setupAction(input: unknown): Promise<SetupResult> {
  const parsed = bootstrapBodySchema.safeParse(input);
  if (!parsed.success) return failure(parsed.error);
  try {
    const result = await (await dashboardCaller({ anonymous: true })).bootstrap.setup(parsed.data);
    return {
      ok: true,
      email: result.user.email,
      organization: result.organization,
      identity: { id: result.identity.id, name: result.identity.name, token: result.identity.credentials.token },
    };
  } catch (error) {
    return failure(error);
  }
}

/** Secure cookies when the browser talks https to us (directly or through a TLS-terminating proxy). */
async function requestIsHttps(): Promise<boolean> {
  const h = await headers();
  const origin = h.get("origin");
  if (origin) return origin.startsWith("https://");
  return h.get("x-forwarded-proto")?.split(",")[0]?.trim() === "https";
}

/** Email + password → session cookie (HTTP-only, SameSite=Lax, expires with the session), then `next`. */
export async function loginAction(input: unknown, next?: unknown): Promise<ActionFailure> {
  const parsed = userLoginBodySchema.safeParse(input);
  if (!parsed.success) return failure(parsed.error);
  let session: { token: string; expiresAt: string };
  try {
    session = await (await dashboardCaller({ anonymous: true })).auth.login(parsed.data);
  } catch (error) {
    return failure(error);
  }
  (await cookies()).set(api.SESSION_COOKIE, session.token, {
    httpOnly: true,
    sameSite: "lax",
    secure: await requestIsHttps(),
    path: "/",
    expires: new Date(session.expiresAt),
  });
  redirect(safeReturnTo(next));
}

/** Revokes the session server-side and clears the cookie. */
export async function logoutAction(): Promise<void> {
  if (await getSessionToken()) {
    try {
      await (await dashboardCaller()).auth.logout();
    } catch {
      // An expired or already revoked session: clearing the cookie is all that is left to do.
    }
  }
  (await cookies()).set(api.SESSION_COOKIE, "", {
    httpOnly: true,
    sameSite: "lax",
    secure: await requestIsHttps(),
    path: "/",
    maxAge: 0,
  });
  redirect(loginPath(undefined, "signed-out"));
}

/** The dashboard's sections: switching organizations lands on the same section, never on another organization's page. */
const SECTIONS = ["/identities", "/users", "/audit", "/organizations", "/settings", "/account"];

/**
 * The organization switcher: remembers the chosen organization in a cookie (the pages read it
 * through auth.me, which falls back to the user's first organization when they are not a member
 * of it) and reloads the section the user was on.
 */
export async function switchOrganizationAction(form: FormData): Promise<void> {
  const organizationId = idSchema("organizationId").safeParse(form.get("organizationId"));
  const from = String(form.get("returnTo") ?? "");
  if (organizationId.success) {
    (await cookies()).set(ORGANIZATION_COOKIE, organizationId.data, {
      httpOnly: true,
      sameSite: "lax",
      secure: await requestIsHttps(),
      path: "/",
      maxAge: 400 * 24 * 60 * 60,
    });
  }
  redirect(SECTIONS.find((section) => from === section || from.startsWith(`${section}/`)) ?? "/identities");
}
