import { defineConfig } from "vitest/config";

const postgresSetup = "../db/src/testing/vitest-postgres-setup.ts";
const testEnv = { AUTH_SECRET: "test-secret-with-at-least-32-characters!!", RATE_LIMIT: "off" };
const integration = (name: "pglite" | "postgres") => ({
  test: {
    name,
    include: ["src/**/*.int.test.ts"],
    env: { TEST_DATABASE: name, ...testEnv },
    globalSetup: name === "postgres" ? [postgresSetup] : [],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});

export default defineConfig({
  test: {
    projects: [
      { test: { name: "unit", include: ["src/**/*.test.ts"], exclude: ["src/**/*.int.test.ts"] } },
      integration("pglite"),
      integration("postgres"),
      // `pnpm test:soak`: the fuzz tests with many more runs.
      {
        test: {
          name: "soak",
          include: ["src/test/fuzz.int.test.ts"],
          env: { TEST_DATABASE: "postgres", FUZZ_RUNS: "300", ...testEnv },
          globalSetup: [postgresSetup],
          testTimeout: 600_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
