export const dynamic = "force-dynamic";

export default function Home() {
  return (
    <main style={{ maxWidth: 720, margin: "4rem auto", padding: "0 1rem" }}>
      <h1>OCI Auth</h1>
      <p>The service is running. The REST API is under <code>/api/v1</code>, tRPC under <code>/api/trpc</code>.</p>
      <p>First run: <code>POST /api/v1/admin/bootstrap</code> with <code>{"{ email, password, organization }"}</code>.</p>
    </main>
  );
}
