import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname, "../../apps/web/src") } },
  test: {
    include: ["src/**/*.test.ts"],
    // One API server + OCI stand-in for all test files (src/test/fixture.ts reads it).
    globalSetup: ["src/test/global-setup.ts"],
    env: { AUTH_SECRET: "client-test-secret-with-at-least-32-chars" },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
