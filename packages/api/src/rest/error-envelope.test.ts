import { describe, expect, it } from "vitest";
import { newReqId } from "./error-envelope";

describe("newReqId", () => {
  it("is req- and 14 alphanumerics, different every time, drawing on every character", () => {
    const ids = Array.from({ length: 5000 }, newReqId);
    for (const id of ids) expect(id).toMatch(/^req-[A-Za-z0-9]{14}$/);
    expect(new Set(ids).size).toBe(ids.length);
    const seen = new Set(ids.flatMap((id) => [...id.slice(4)]));
    expect(seen.size).toBe(62);
  });
});
