import { createInterface } from "node:readline";

/** Where the CLI writes and what it reads from its environment (a seam for tests). */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  /** Asks a question (on stderr) and returns the line answered; "" when there is no answer (stdin closed). */
  prompt?(question: string): Promise<string>;
  /** All of stdin (for an argument given as "-"). */
  readStdin?(): Promise<string>;
}

export const processIo: CliIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  env: process.env,
  prompt(question) {
    process.stderr.write(question);
    const lines = createInterface({ input: process.stdin, terminal: false });
    return new Promise((resolve) => {
      let answer = "";
      lines.once("line", (line) => {
        answer = line;
        lines.close();
      });
      lines.once("close", () => resolve(answer));
    });
  },
  async readStdin() {
    let text = "";
    for await (const chunk of process.stdin) text += String(chunk);
    return text;
  },
};
