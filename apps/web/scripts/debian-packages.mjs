// Test tools from Debian's packages: present, or installed with apt-get when we may (root and
// apt-get); otherwise a message that says what to install. Exits the process on failure.
import { execSync, spawnSync } from "node:child_process";

/**
 * @param {string} purpose what needs them, for the messages ("the cluster tests")
 * @param {{ command: string, versionArgs?: string[], debianPackage: string, present?: () => boolean }[]} tools
 *   `present` replaces running the command, for what is not a command (a module of another program)
 */
export function ensureDebianTools(purpose, tools) {
  const present = (tool) =>
    tool.present ? tool.present() : spawnSync(tool.command, tool.versionArgs ?? ["--version"], { stdio: "ignore" }).status === 0;
  const missing = tools.filter((tool) => !present(tool));
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map((tool) => tool.debianPackage))];
  const isRoot = process.getuid?.() === 0;
  const hasApt = spawnSync("sh", ["-c", "command -v apt-get"]).status === 0;
  if (!isRoot || !hasApt) {
    console.error(
      `${missing.map((tool) => tool.command).join(", ")} ${missing.length === 1 ? "is" : "are"} needed by ${purpose} but not found.\n` +
        `Install ${packages.length === 1 ? "it" : "them"} (Debian/Ubuntu: sudo apt-get install -y ${packages.join(" ")}).`,
    );
    process.exit(1);
  }
  console.log(`Installing ${packages.join(", ")} for ${purpose} (apt-get install)…`);
  execSync(`apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${packages.join(" ")} >/dev/null`, {
    stdio: "inherit",
  });
  const still = missing.filter((tool) => !present(tool));
  if (still.length > 0) {
    console.error(`apt-get finished but ${still.map((tool) => tool.command).join(", ")} still cannot be run.`);
    process.exit(1);
  }
  console.log(`${packages.join(", ")} installed.`);
}
