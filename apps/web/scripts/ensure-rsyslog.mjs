// Makes sure rsyslog exists for the syslog audit device's tests (they run rsyslogd in the foreground
// with their own config, over TCP and TLS): Debian's `rsyslog` and `rsyslog-gnutls` (the TLS
// network driver, a module of its own) when missing. RSYSLOGD_BIN names another binary.
import { existsSync, readdirSync } from "node:fs";
import { ensureDebianTools } from "./debian-packages.mjs";

/** rsyslog's module folders (Debian's multiarch one, or a plain one). */
function moduleDirs() {
  const dirs = ["/usr/lib/rsyslog"];
  try {
    for (const entry of readdirSync("/usr/lib")) dirs.push(`/usr/lib/${entry}/rsyslog`);
  } catch {
    // no /usr/lib: only the plain folder
  }
  return dirs;
}

ensureDebianTools("the syslog audit device tests", [
  { command: process.env.RSYSLOGD_BIN || "rsyslogd", versionArgs: ["-v"], debianPackage: "rsyslog" },
  {
    command: "rsyslog's TLS driver (lmnsd_gtls.so)",
    debianPackage: "rsyslog-gnutls",
    present: () => moduleDirs().some((dir) => existsSync(`${dir}/lmnsd_gtls.so`)),
  },
]);
