import path from "node:path";
import type { NextConfig } from "next";

/**
 * Security headers of every response Next serves. The Content-Security-Policy is not here: it
 * carries a fresh nonce per page, set by src/proxy.ts (src/content-security-policy.ts).
 */
export const securityHeaders = [
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "no-referrer" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=()" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
];

const nextConfig: NextConfig = {
  // The server side (@ociauth/api) is never bundled here: pages reach it through src/server-api.ts,
  // which Node loads from packages/api/dist at run time, the same module the HTTP entry runs.
  transpilePackages: ["@ociauth/schema"],
  poweredByHeader: false,
  output: "standalone",
  outputFileTracingRoot: path.join(import.meta.dirname, "..", ".."),
  typescript: { ignoreBuildErrors: true }, // `pnpm typecheck` runs tsc; the build need not repeat it
  headers: async () => [{ source: "/:path*", headers: securityHeaders }],
};

export default nextConfig;
