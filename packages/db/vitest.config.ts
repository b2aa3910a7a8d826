import { defineConfig } from "vitest/config";

const timeouts = { testTimeout: 120_000, hookTimeout: 120_000 };

export default defineConfig({
  test: {
    projects: [
      // No database server: parsing, PGlite alone.
      { test: { name: "unit", include: ["src/**/*.test.ts"], exclude: ["src/**/*.int.test.ts"], ...timeouts } },
      // `*.int.test.ts` run against PGlite and a real PostgreSQL server (started once for the run).
      {
        test: { name: "int", include: ["src/**/*.int.test.ts"], globalSetup: ["src/testing/vitest-postgres-setup.ts"], ...timeouts },
      },
    ],
  },
});
