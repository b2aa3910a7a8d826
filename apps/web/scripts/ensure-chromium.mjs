// Makes sure a Chromium for the dashboard's browser tests (src/test/dashboard.e2e.test.ts) exists.
// Installs Debian's `chromium` package when missing and we may (root + apt-get); else explains.
// Never `npx playwright install`: it downloads browsers from a host the test machines cannot reach.
import { execSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const works = () => existsSync(CHROMIUM) && spawnSync(CHROMIUM, ["--version"], { stdio: "ignore" }).status === 0;

if (works()) process.exit(0);

const isRoot = process.getuid?.() === 0;
const hasApt = spawnSync("sh", ["-c", "command -v apt-get"]).status === 0;
if (!isRoot || !hasApt || process.env.CHROMIUM_PATH) {
  console.error(
    `Chromium is needed by the dashboard's browser tests but ${CHROMIUM} was not found (or does not start).\n` +
      "Install it (Debian/Ubuntu: sudo apt-get install -y chromium) or set CHROMIUM_PATH to a Chromium executable.",
  );
  process.exit(1);
}
console.log("Installing Chromium for the dashboard's browser tests (apt-get install chromium)…");
execSync("apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null", { stdio: "inherit" });
if (!works()) {
  console.error(`apt-get finished but ${CHROMIUM} does not start.`);
  process.exit(1);
}
console.log("Chromium installed.");
