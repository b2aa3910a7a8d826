import { format, stripVTControlCharacters } from "node:util";
import { getLifecycleLogger } from "./logger";

/**
 * What libraries print with console.* (Next's "✓ Ready"-style lines, its warnings and errors)
 * becomes JSON log lines too (`source: "console"`), so every stdout line parses as JSON. An Error
 * among the arguments goes to `err` (message and stack as fields, not a multi-line text).
 */
export function routeConsoleToLog(): void {
  const logger = getLifecycleLogger().child({ source: "console" });
  const route =
    (level: "debug" | "info" | "warn" | "error") =>
    (...args: unknown[]): void => {
      const err = args.find((arg) => arg instanceof Error);
      const rest = err === undefined ? args : args.filter((arg) => arg !== err);
      const msg = stripVTControlCharacters(format(...rest)).trim() || (err as Error | undefined)?.message || "";
      if (err) logger[level]({ err }, msg);
      else logger[level](msg);
    };
  console.debug = route("debug");
  console.log = route("info");
  console.info = route("info");
  console.warn = route("warn");
  console.error = route("error");
}
