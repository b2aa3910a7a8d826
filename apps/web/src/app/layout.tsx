import { headers } from "next/headers";
import type { ReactNode } from "react";
import { NONCE_HEADER } from "@/content-security-policy";

export const metadata = { title: "OCI Auth", description: "OCI auth for machine identities" };

// Zod (ours, and the API reference's own copy) probes once whether eval works by calling
// `Function("")`: the CSP refuses it and the browser reports a violation. Jitless mode, set in
// the config all zod copies share, skips the probe; it runs before any other script.
const ZOD_WITHOUT_EVAL = "(globalThis.__zod_globalConfig??={}).jitless=true";

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Reading the request renders every page per request, with that request's nonce (src/proxy.ts).
  const nonce = (await headers()).get(NONCE_HEADER) ?? undefined;
  return (
    <html lang="en">
      <head>
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: ZOD_WITHOUT_EVAL }} />
      </head>
      <body style={{ fontFamily: "system-ui, sans-serif", margin: 0 }}>{children}</body>
    </html>
  );
}
