import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";

/**
 * The API reference renderer: Scalar's standalone browser bundle from node_modules (no CDN, so
 * the page works offline and the CSP stays 'self'), followed by the few lines that mount it on
 * the page's #api-reference element with the configuration the page put in its data attribute.
 */
const MOUNT = `
;(function () {
  var mount = document.getElementById("api-reference");
  if (mount) Scalar.createApiReference(mount, JSON.parse(mount.dataset.configuration || "{}"));
})();
`;

let bundle: Promise<string> | undefined;

function loadBundle() {
  // The server runs in apps/web (server.mjs), whose node_modules hold the package.
  const require = createRequire(path.join(process.cwd(), "package.json"));
  const entry = require.resolve("@scalar/api-reference");
  const file = path.join(path.dirname(entry), "browser", "standalone.js");
  return readFile(file, "utf8").then((code) => code.replace(/\/\/# sourceMappingURL=\S+\s*$/, "") + MOUNT);
}

export async function GET() {
  bundle ??= loadBundle().catch((error: unknown) => {
    bundle = undefined;
    throw error;
  });
  return new Response(await bundle, {
    headers: { "content-type": "text/javascript; charset=utf-8", "cache-control": "public, max-age=3600" },
  });
}
