import path from "node:path";
import { defineConfig } from "vitest/config";

const alias = { "@": path.resolve(import.meta.dirname, "src") };
const integration = (name: "pglite" | "postgres") => ({
  resolve: { alias },
  test: {
    name,
    include: ["src/**/*.int.test.ts"],
    env: { TEST_DATABASE: name, AUTH_SECRET: "test-secret-with-at-least-32-characters!!", RATE_LIMIT: "off" },
    globalSetup: name === "postgres" ? ["../../packages/db/src/testing/vitest-postgres-setup.ts"] : [],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});

export default defineConfig({
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          include: ["src/**/*.test.ts"],
          exclude: ["src/**/*.int.test.ts", "src/**/*.e2e.test.ts", "src/**/*.soak.test.ts"],
        },
      },
      integration("pglite"),
      integration("postgres"),
      { resolve: { alias }, test: { name: "e2e", include: ["src/**/*.e2e.test.ts"], testTimeout: 180_000, hookTimeout: 180_000 } },
      // `pnpm test:soak`: kill -9 crash tests against the built server, and fuzzing with many more runs.
      {
        resolve: { alias },
        test: {
          name: "soak",
          include: ["src/**/*.soak.test.ts", "src/test/fuzz.int.test.ts"],
          env: {
            TEST_DATABASE: "postgres",
            AUTH_SECRET: "test-secret-with-at-least-32-characters!!",
            RATE_LIMIT: "off",
            FUZZ_RUNS: "300",
            CRASH_WRITE_MS: "8000",
          },
          globalSetup: ["../../packages/db/src/testing/vitest-postgres-setup.ts"],
          testTimeout: 600_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
