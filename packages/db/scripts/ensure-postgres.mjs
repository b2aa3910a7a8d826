// Makes sure PostgreSQL server binaries exist for the test suite (tests start their own server).
// Installs Debian's `postgresql` package when missing and we may (root + apt-get); else explains.
import { execSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";

const base = "/usr/lib/postgresql";
const hasServer = () =>
  Boolean(process.env.PG_BIN) || (existsSync(base) && readdirSync(base).some((v) => existsSync(`${base}/${v}/bin/pg_ctl`)));

if (hasServer()) process.exit(0);

const isRoot = process.getuid?.() === 0;
const hasApt = spawnSync("sh", ["-c", "command -v apt-get"]).status === 0;
if (!isRoot || !hasApt) {
  console.error(
    "PostgreSQL server binaries are needed by the tests but were not found.\n" +
      "Install them (Debian/Ubuntu: sudo apt-get install -y postgresql) or set PG_BIN to the folder holding pg_ctl.",
  );
  process.exit(1);
}
console.log("Installing PostgreSQL server binaries for the tests (apt-get install postgresql)…");
execSync("apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null", { stdio: "inherit" });
if (!hasServer()) {
  console.error("apt-get finished but no PostgreSQL server binaries were found under /usr/lib/postgresql.");
  process.exit(1);
}
console.log("PostgreSQL installed.");
