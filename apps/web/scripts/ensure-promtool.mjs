// Makes sure promtool exists for the alert-rule test (`promtool test rules`): Debian's
// `prometheus` package when missing. PROMTOOL_BIN names another binary.
import { ensureDebianTools } from "./debian-packages.mjs";

ensureDebianTools("the Prometheus alert-rule tests", [
  { command: process.env.PROMTOOL_BIN || "promtool", versionArgs: ["--version"], debianPackage: "prometheus" },
]);
