// Makes sure docker-compose exists for the compose file's test (apps/web/src/test/compose.test.ts
// runs `docker-compose config`, which checks the file without a container engine). Installs
// Debian's `docker-compose` package (1.29) when missing and we may (root + apt-get); else explains.
import { execSync, spawnSync } from "node:child_process";

const hasCompose = () => spawnSync("docker-compose", ["version"], { stdio: "ignore" }).status === 0;

if (hasCompose()) process.exit(0);

const isRoot = process.getuid?.() === 0;
const hasApt = spawnSync("sh", ["-c", "command -v apt-get"]).status === 0;
if (!isRoot || !hasApt) {
  console.error(
    "docker-compose is needed by the compose file's test but was not found.\n" +
      "Install Debian's docker-compose (sudo apt-get install -y docker-compose) or another docker-compose 1.29 on the PATH.",
  );
  process.exit(1);
}
console.log("Installing docker-compose for the compose file's test (apt-get install docker-compose)…");
execSync("apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-compose >/dev/null", {
  stdio: "inherit",
});
if (!hasCompose()) {
  console.error("apt-get finished but docker-compose was not found on the PATH.");
  process.exit(1);
}
console.log("docker-compose installed.");
