// Before `next build` and `next dev`: the API reference renderer into public/vendor/, so the app
// serves it as a static file (no CDN; the CSP stays 'self'). It is Scalar's standalone browser
// bundle from node_modules, followed by the few lines that mount it on /api-docs's
// #api-reference element with the configuration the page put in its data attribute.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const entry = createRequire(import.meta.url).resolve("@scalar/api-reference");
const bundle = readFileSync(path.join(path.dirname(entry), "browser", "standalone.js"), "utf8").replace(
  /\/\/# sourceMappingURL=\S+\s*$/,
  "",
);
const mount = `
;(function () {
  var mount = document.getElementById("api-reference");
  if (mount) Scalar.createApiReference(mount, JSON.parse(mount.dataset.configuration || "{}"));
})();
`;
const target = path.join(appDir, "public", "vendor", "api-reference.js");
mkdirSync(path.dirname(target), { recursive: true });
writeFileSync(target, bundle + mount);
