import { api } from "@/server-api";
import styles from "./api-docs.module.css";

export const metadata = { title: "API reference · OCI Auth" };

type Operation = {
  operationId: string;
  summary: string;
  tags: string[];
  security: unknown[];
  parameters: { name: string; in: string; required: boolean; schema: unknown }[];
  requestBody?: { content: { "application/json": { schema: unknown } } };
  responses: Record<string, { description: string; content?: { "application/json": { schema: unknown } } }>;
};

/** Human-readable reference rendered from the same OpenAPI document served at /api/docs/json. */
export default function ApiDocsPage() {
  const doc = api.getOpenApiDocument();
  const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods as Record<string, Operation>).map(([method, op]) => ({ path, method, op })),
  );
  return (
    <main className={styles.page}>
      <header className={styles.header}>
        <h1>{doc.info.title}</h1>
        <p>{doc.info.description}</p>
        <p>
          Machine-readable document (OpenAPI {doc.openapi}): <a href="/api/docs/json">/api/docs/json</a>. Authenticated endpoints take{" "}
          <code>Authorization: Bearer &lt;token&gt;</code>. Errors use the envelope <code>{"{ reqId, statusCode, message, error }"}</code>.
        </p>
      </header>
      {doc.tags.map(({ name }) => (
        <section key={name} className={styles.tag}>
          <h2>{name}</h2>
          {operations
            .filter(({ op }) => op.tags.includes(name))
            .map(({ path, method, op }) => (
              <details key={op.operationId} id={op.operationId} className={styles.operation}>
                <summary>
                  <span className={`${styles.method} ${styles[method]}`}>{method.toUpperCase()}</span>
                  <code className={styles.path}>{path}</code>
                  <span className={styles.summary}>{op.summary}</span>
                </summary>
                <p className={styles.meta}>
                  <code>{op.operationId}</code> · {op.security.length ? "Bearer token required" : "No authentication"}
                </p>
                {op.parameters.length > 0 && (
                  <>
                    <h3>Parameters</h3>
                    <ul>
                      {op.parameters.map((p) => (
                        <li key={`${p.in}-${p.name}`}>
                          <code>{p.name}</code> ({p.in}
                          {p.required ? ", required" : ""})
                        </li>
                      ))}
                    </ul>
                  </>
                )}
                {op.requestBody && (
                  <>
                    <h3>Request body</h3>
                    <pre className={styles.schema}>{JSON.stringify(op.requestBody.content["application/json"].schema, null, 2)}</pre>
                  </>
                )}
                <h3>Responses</h3>
                <ul>
                  {Object.entries(op.responses).map(([status, r]) => (
                    <li key={status}>
                      <strong>{status}</strong> {r.description}
                    </li>
                  ))}
                </ul>
                <pre className={styles.schema}>{JSON.stringify(op.responses["200"]?.content?.["application/json"].schema, null, 2)}</pre>
              </details>
            ))}
        </section>
      ))}
    </main>
  );
}
