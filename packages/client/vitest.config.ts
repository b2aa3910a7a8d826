import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname, "../../apps/web/src") } },
  test: {
    include: ["src/**/*.test.ts"],
    env: { AUTH_SECRET: "client-test-secret-with-at-least-32-chars" },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
