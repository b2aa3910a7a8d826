import { runCli } from "../cli/run-cli";
import type { CliIo } from "../cli/cli-io";

/** Runs the CLI's entry function with captured output (fast; for the many small usage cases). */
export async function runCliInProcess(args: string[], env: Record<string, string> = {}, io: Pick<CliIo, "prompt" | "readStdin"> = {}) {
  let stdout = "";
  let stderr = "";
  const code = await runCli(args, { out: (text) => (stdout += `${text}\n`), err: (text) => (stderr += `${text}\n`), env, ...io });
  return { code, stdout, stderr };
}
