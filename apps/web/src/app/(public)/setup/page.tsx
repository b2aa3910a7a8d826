import { redirect } from "next/navigation";
import { SetupForm } from "@/components/setup-form";
import { isInstanceSetUp } from "@/auth/session";

export const dynamic = "force-dynamic";
export const metadata = { title: "Set up · OCI Auth" };

export default async function SetupPage() {
  if (await isInstanceSetUp()) redirect("/login");
  return <SetupForm />;
}
