// Makes sure nginx exists for `pnpm test:cluster` (the test runs it in the foreground with its own
// config): Debian's `nginx` package when missing. NGINX_BIN names another binary.
import { ensureDebianTools } from "./debian-packages.mjs";

ensureDebianTools("the cluster tests", [{ command: process.env.NGINX_BIN || "nginx", versionArgs: ["-v"], debianPackage: "nginx" }]);
