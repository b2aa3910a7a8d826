/**
 * Printable ASCII, the space and printable Latin-1 (U+00A0–U+00FF). No C0 controls (NUL, TAB,
 * CR, LF, …), no DEL, no C1 controls, nothing above U+00FF: what an OCI signer produces and what
 * Node's HTTP client can send unchanged (anything else would be refused or split a header).
 */
const HEADER_VALUE = /^[\x20-\x7e\xa0-\xff]*$/;

export function isHeaderValueText(value: string): boolean {
  return HEADER_VALUE.test(value);
}

/** The login headers forwarded to OCI, in the order they are checked. */
export const FORWARDED_LOGIN_HEADERS = ["authorization", "host", "x-date", "date"] as const;
export type ForwardedLoginHeader = (typeof FORWARDED_LOGIN_HEADERS)[number];

/** The first forwarded login header whose value breaks the header character rule, or null. */
export function firstInvalidLoginHeader(headers: Partial<Record<ForwardedLoginHeader, string>>): ForwardedLoginHeader | null {
  for (const name of FORWARDED_LOGIN_HEADERS) {
    const value = headers[name];
    if (value !== undefined && !isHeaderValueText(value)) return name;
  }
  return null;
}
