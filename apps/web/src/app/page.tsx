import { redirect } from "next/navigation";
import { getSession, isInstanceSetUp } from "@/auth/session";

export const dynamic = "force-dynamic";

/** First run → /setup; signed in → /identities; else → /login. */
export default async function Home() {
  if (!(await isInstanceSetUp())) redirect("/setup");
  redirect((await getSession()) ? "/identities" : "/login");
}
