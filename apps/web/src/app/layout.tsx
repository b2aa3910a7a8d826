import type { ReactNode } from "react";

export const metadata = { title: "OCI Auth", description: "OCI auth for machine identities" };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body style={{ fontFamily: "system-ui, sans-serif", margin: 0 }}>{children}</body>
    </html>
  );
}
