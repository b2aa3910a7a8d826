import { describe, expect, it } from "vitest";
import { firstInvalidLoginHeader, isHeaderValueText } from "./header-values";
import { messages } from "./messages";

describe("isHeaderValueText", () => {
  it("accepts what OCI signers produce (printable ASCII, spaces) and printable Latin-1", () => {
    expect(isHeaderValueText('Signature version="1",keyId="a/b/c",signature="AbC+/="')).toBe(true);
    expect(isHeaderValueText("Fri, 27 Nov 2026 18:10:26 GMT")).toBe(true);
    expect(isHeaderValueText("identity.us-ashburn-1.oraclecloud.com")).toBe(true);
    expect(isHeaderValueText("caf\u00e9 \u00a0\u00ff")).toBe(true);
    expect(isHeaderValueText("")).toBe(true);
  });

  it.each([
    ["NUL", "a\u0000b"],
    ["CR", "a\rb"],
    ["LF", "a\nb"],
    ["CRLF header injection", "x\r\nX-Injected: 1"],
    ["TAB", "a\tb"],
    ["another C0 control", "a\u001bb"],
    ["DEL", "a\u007fb"],
    ["a C1 control", "a\u0085b"],
    ["a character above U+00FF", "a\u0100b"],
    ["an emoji", "a\u{1F600}b"],
    ["a lone surrogate", "a\uD800b"],
    ["a line separator", "a\u2028b"],
  ])("refuses %s", (_name, value) => {
    expect(isHeaderValueText(value)).toBe(false);
  });
});

describe("firstInvalidLoginHeader", () => {
  const good = { authorization: "Signature a", host: "identity.us-ashburn-1.oraclecloud.com", "x-date": "Fri, 27 Nov 2026 18:10:26 GMT" };

  it("is null when every forwarded header is clean (absent date headers are fine)", () => {
    expect(firstInvalidLoginHeader(good)).toBeNull();
    expect(firstInvalidLoginHeader({ ...good, date: "Fri, 27 Nov 2026 18:10:26 GMT" })).toBeNull();
  });

  it("names the first bad header in a fixed order: authorization, host, x-date, date", () => {
    expect(firstInvalidLoginHeader({ ...good, date: "x\u0000" })).toBe("date");
    expect(firstInvalidLoginHeader({ ...good, "x-date": "x\n", date: "x\u0000" })).toBe("x-date");
    expect(firstInvalidLoginHeader({ ...good, host: "h\u0130" })).toBe("host");
    expect(firstInvalidLoginHeader({ ...good, authorization: "S\r\n", host: "h\u0130" })).toBe("authorization");
  });

  it("has a message naming the header and the rule", () => {
    expect(messages.invalidHeaderValue("x-date")).toBe(
      'Invalid "x-date" header: control characters (such as NUL, CR or LF) and characters above U+00FF are not allowed in header values.',
    );
  });
});
