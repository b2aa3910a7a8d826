// Makes sure nginx exists for `pnpm test:cluster` (the test runs it in the foreground with its own
// config). Installs Debian's `nginx` package when missing and we may (root + apt-get); else explains.
import { execSync, spawnSync } from "node:child_process";

const bin = process.env.NGINX_BIN || "nginx";
const hasNginx = () => spawnSync(bin, ["-v"], { stdio: "ignore" }).status === 0;

if (hasNginx()) process.exit(0);

const isRoot = process.getuid?.() === 0;
const hasApt = spawnSync("sh", ["-c", "command -v apt-get"]).status === 0;
if (!isRoot || !hasApt) {
  console.error(
    "nginx is needed by the cluster tests but was not found.\n" +
      "Install it (Debian/Ubuntu: sudo apt-get install -y nginx) or set NGINX_BIN to its path.",
  );
  process.exit(1);
}
console.log("Installing nginx for the cluster tests (apt-get install nginx)…");
execSync("apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null", { stdio: "inherit" });
if (!hasNginx()) {
  console.error("apt-get finished but nginx was not found on the PATH.");
  process.exit(1);
}
console.log("nginx installed.");
