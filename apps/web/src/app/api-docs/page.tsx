/**
 * The API reference: Scalar renders the OpenAPI document served at /api/docs/json (operations,
 * parameters, schemas with their descriptions and examples, and a request runner against this
 * server). Everything is served by this app: the bundle is public/vendor/api-reference.js, copied
 * from node_modules by scripts/copy-api-reference.mjs before each build.
 */
export const metadata = { title: "API reference · OCI Auth" };

const configuration = {
  url: "/api/docs/json",
  // Same origin only: no web fonts from Scalar's CDN, no telemetry, no AI agent, no request proxy.
  withDefaultFonts: false,
  telemetry: false,
  agent: { disabled: true },
  showDeveloperTools: "never",
  persistAuth: false,
  defaultOpenAllTags: true,
  documentDownloadType: "json",
  metaData: { title: "API reference · OCI Auth" },
};

export default function ApiDocsPage() {
  return (
    <>
      <noscript>
        The API reference needs JavaScript. The OpenAPI document itself is at <a href="/api/docs/json">/api/docs/json</a>.
      </noscript>
      <div id="api-reference" data-configuration={JSON.stringify(configuration)} />
      <script src="/vendor/api-reference.js" defer />
    </>
  );
}
