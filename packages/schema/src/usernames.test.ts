import { describe, expect, it } from "vitest";
import { MAX_ALLOWED_USERNAMES_LENGTH } from "./limits";
import { messages } from "./messages";
import { fail, ok, rawIssues } from "./test-helpers";
import { allowedUsernamesSchema, splitUsernames } from "./usernames";

describe("splitUsernames", () => {
  it("splits on commas, trims entries and drops empties", () => {
    expect(splitUsernames(" a , ,b ,")).toEqual(["a", "b"]);
    expect(splitUsernames("")).toEqual([]);
    expect(splitUsernames(",,,")).toEqual([]);
    expect(splitUsernames("alice")).toEqual(["alice"]);
    expect(splitUsernames("a,a")).toEqual(["a", "a"]);
  });

  it("does not split on other separators", () => {
    expect(splitUsernames("a;b c")).toEqual(["a;b c"]);
  });
});

describe("allowedUsernamesSchema", () => {
  it("normalises to entries joined with ', '", () => {
    expect(ok(allowedUsernamesSchema, " a , ,b ,")).toBe("a, b");
    expect(ok(allowedUsernamesSchema, "alice,bob")).toBe("alice, bob");
    expect(ok(allowedUsernamesSchema, "alice, bob")).toBe("alice, bob");
    expect(ok(allowedUsernamesSchema, "  alice  ")).toBe("alice");
    expect(ok(allowedUsernamesSchema, ",alice,")).toBe("alice");
  });

  it("keeps duplicates and order (exact-match list, not a set)", () => {
    expect(ok(allowedUsernamesSchema, "b,a,b")).toBe("b, a, b");
  });

  it("is idempotent on its own output", () => {
    const once = ok(allowedUsernamesSchema, " x@y.com ,  ,foo-bar_baz.1 ");
    expect(once).toBe("x@y.com, foo-bar_baz.1");
    expect(ok(allowedUsernamesSchema, once)).toBe(once);
  });

  it.each([null, "", " ", "\t\n", ",", " , , ", ",,,,"])("%j becomes null", (input) => {
    expect(ok(allowedUsernamesSchema, input)).toBeNull();
  });

  it("accepts exactly the charset a-zA-Z0-9._@-", () => {
    const all = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._@-";
    expect(ok(allowedUsernamesSchema, all)).toBe(all);
    for (const name of ["john.doe@example.com", "svc-ci_runner.01", "@", ".", "-", "_", "0"]) {
      expect(ok(allowedUsernamesSchema, name)).toBe(name);
    }
  });

  it.each([
    "bad user",
    "x/y",
    "ü",
    "good, bad user",
    "good,x/y",
    "a;b",
    "a+b",
    "a'b",
    'a"b',
    "a\tb",
    "a\nb",
    "<script>",
    "a:b",
    "a\\b",
    "名前",
    "a\u00a0b",
    "*",
  ])("rejects %j with the usernames message", (input) => {
    expect(fail(allowedUsernamesSchema, input)).toEqual([{ path: [], message: messages.usernamesInvalid }]);
  });

  it("accepts exactly 500 characters", () => {
    const input = "a".repeat(MAX_ALLOWED_USERNAMES_LENGTH);
    expect(ok(allowedUsernamesSchema, input)).toBe(input);
  });

  it("rejects 501 characters with the SPEC message", () => {
    expect(fail(allowedUsernamesSchema, "a".repeat(MAX_ALLOWED_USERNAMES_LENGTH + 1))).toEqual([
      { path: [], message: messages.usernamesTooLong },
    ]);
    expect(messages.usernamesTooLong).toBe("Input exceeds the maximum limit of 500 characters");
  });

  it("counts length after trimming", () => {
    const padded = `   ${"a".repeat(500)}   `;
    expect(ok(allowedUsernamesSchema, padded)).toBe("a".repeat(500));
    const paddedComma = ` ,${"b".repeat(498)}, `;
    expect(ok(allowedUsernamesSchema, paddedComma)).toBe("b".repeat(498));
  });

  it("counts the raw (pre-normalisation) length, so a 500-char input may normalise to a longer string", () => {
    // 250 one-letter names: "a,a,…,a" is 499 chars; joined with ", " it becomes 748.
    const input = Array.from({ length: 250 }, () => "a").join(",");
    expect(input).toHaveLength(499);
    const out = ok(allowedUsernamesSchema, input);
    expect(out).toHaveLength(748);
    // …and that stored value no longer passes the 500 limit if a client sends it back unchanged.
    expect(fail(allowedUsernamesSchema, out)).toEqual([{ path: [], message: messages.usernamesTooLong }]);
  });

  it("reports both too-long and invalid when both apply", () => {
    expect(fail(allowedUsernamesSchema, "ü".repeat(501))).toEqual([
      { path: [], message: messages.usernamesTooLong },
      { path: [], message: messages.usernamesInvalid },
    ]);
  });

  it.each([undefined, 5, true, ["a"], { a: 1 }])("rejects non-string, non-null %j", (input) => {
    expect(rawIssues(allowedUsernamesSchema, input)[0]?.code).toBe("invalid_type");
  });
});
