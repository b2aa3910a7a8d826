#!/usr/bin/env node
// Runs the TypeScript CLI (src/cli.ts) through tsx, from this package's own dependencies.
import { register } from "tsx/esm/api";

// `pnpm ociauth …` at the repository root runs in the root folder; resolve relative paths
// (e.g. --key-file) from where the user typed the command instead.
if (process.env.npm_lifecycle_event === "ociauth" && process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);

register();
await import("../src/cli.ts");
