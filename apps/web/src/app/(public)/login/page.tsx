import { redirect } from "next/navigation";
import { LoginForm } from "@/components/login-form";
import { AFTER_LOGIN_FALLBACK, safeReturnTo } from "@/auth/return-to";
import { getSession, isInstanceSetUp } from "@/auth/session";

export const dynamic = "force-dynamic";
export const metadata = { title: "Sign in · OCI Auth" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const next = safeReturnTo(params.next);
  const reason = params.reason === "expired" || params.reason === "signed-out" ? params.reason : undefined;
  if (!(await isInstanceSetUp())) redirect("/setup");
  if (await getSession()) redirect(next);
  return <LoginForm next={next === AFTER_LOGIN_FALLBACK ? undefined : next} reason={reason} />;
}
