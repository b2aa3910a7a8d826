/**
 * The Content-Security-Policy of every page, with a fresh nonce per request (set by src/proxy.ts;
 * Next puts the nonce on its own scripts, read from this header). Scripts come from our own origin
 * or carry the nonce: no inline script without it, no third-party origin, no eval outside
 * development (React's dev tooling needs it). Inline styles stay allowed: the pages set style
 * attributes, which a nonce cannot cover.
 */
export function contentSecurityPolicy(nonce: string, dev: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self'${dev ? " ws:" : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** The request header that hands the nonce to the pages (for the few scripts they render themselves). */
export const NONCE_HEADER = "x-nonce";

/** 128 random bits, base64: unguessable and new for every page. */
export function newNonce(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
}
