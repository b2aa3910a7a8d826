"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const LINKS = [
  { href: "/identities", label: "Identities" },
  { href: "/users", label: "Users" },
  { href: "/audit", label: "Audit log" },
  { href: "/organizations", label: "Organizations" },
  { href: "/settings/signing-keys", label: "Signing keys" },
  { href: "/settings/audit-devices", label: "Audit devices" },
  { href: "/account", label: "Account" },
];

export function MainNav() {
  const pathname = usePathname();
  return (
    <nav className="main-nav" aria-label="Main">
      {LINKS.map((link) => {
        const active = pathname === link.href || pathname.startsWith(`${link.href}/`);
        return (
          <Link key={link.href} href={link.href} aria-current={active ? "page" : undefined}>
            {link.label}
          </Link>
        );
      })}
      {/* A full page load: the API reference is its own page, outside the dashboard's styles. */}
      <a href="/api-docs">API reference</a>
    </nav>
  );
}
