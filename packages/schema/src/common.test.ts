import { describe, expect, it } from "vitest";
import { isStorableText, nameSchema } from "./common";

describe("storable text", () => {
  it("refuses NUL characters and lone surrogates, keeps paired ones", () => {
    expect(isStorableText("plain")).toBe(true);
    expect(isStorableText("emoji 😀")).toBe(true);
    expect(isStorableText("nul\u0000")).toBe(false);
    expect(isStorableText("lone \uD800 high")).toBe(false);
    expect(isStorableText("lone \uDC00 low")).toBe(false);
    expect(isStorableText("\uD83D")).toBe(false);
  });

  it("names the field in the message", () => {
    const result = nameSchema("Name").safeParse("a\u0000b");
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe("Name must not contain NUL characters or unpaired surrogates");
  });
});
