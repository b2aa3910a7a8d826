import path from "node:path";
import { defineConfig } from "vitest/config";

const alias = { "@": path.resolve(import.meta.dirname, "src") };
export default defineConfig({
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          include: ["src/**/*.test.ts"],
          exclude: ["src/**/*.e2e.test.ts", "src/**/*.soak.test.ts", "src/**/*.cluster.test.ts", "src/**/*.image.test.ts"],
        },
      },
      { resolve: { alias }, test: { name: "e2e", include: ["src/**/*.e2e.test.ts"], testTimeout: 180_000, hookTimeout: 180_000 } },
      // `pnpm test:soak`: kill -9 crash tests and the revocation soak against the built server.
      {
        resolve: { alias },
        test: {
          name: "soak",
          include: ["src/**/*.soak.test.ts"],
          env: {
            TEST_DATABASE: "postgres",
            AUTH_SECRET: "test-secret-with-at-least-32-characters!!",
            RATE_LIMIT: "off",
            CRASH_WRITE_MS: "8000",
          },
          globalSetup: ["../../packages/db/src/testing/vitest-postgres-setup.ts"],
          testTimeout: 600_000,
          hookTimeout: 180_000,
        },
      },
      // `pnpm test:cluster`: nginx (deploy/nginx/nginx.conf) in front of three instances on PostgreSQL.
      {
        resolve: { alias },
        test: {
          name: "cluster",
          include: ["src/**/*.cluster.test.ts"],
          env: { TEST_DATABASE: "postgres" },
          globalSetup: ["../../packages/db/src/testing/vitest-postgres-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 240_000,
        },
      },
      // `pnpm test:image`: deploy/Dockerfile built with buildah and run read-only as uid 1000.
      {
        resolve: { alias },
        test: {
          name: "image",
          include: ["src/**/*.image.test.ts"],
          testTimeout: 300_000,
          hookTimeout: 1_500_000,
        },
      },
    ],
  },
});
