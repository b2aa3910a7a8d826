import { describe, expect, it } from "vitest";
import { tokenRefusal } from "./token-fns";

const NOW = Date.UTC(2026, 0, 1);
const usable = { revokedAt: null, expiresAt: new Date(NOW + 1000), accessTokenNumUses: 2, accessTokenNumUsesLimit: 3 };
const onlyLocal = (ip: string | null) => ip === "10.0.0.1";

describe("tokenRefusal", () => {
  it("lets a live token within its uses and addresses through", () => {
    expect(tokenRefusal(usable, { now: NOW })).toBeNull();
    expect(tokenRefusal(usable, { now: NOW, allowsIp: onlyLocal, ip: "10.0.0.1" })).toBeNull();
    expect(tokenRefusal({ ...usable, expiresAt: null, accessTokenNumUsesLimit: 0 }, { now: NOW })).toBeNull();
  });

  it("refuses revoked, expired, exhausted and foreign addresses, in that order", () => {
    const everything = { revokedAt: new Date(NOW), expiresAt: new Date(NOW), accessTokenNumUses: 3, accessTokenNumUsesLimit: 3 };
    const at = { now: NOW, allowsIp: onlyLocal, ip: "192.0.2.1" };
    expect(tokenRefusal(everything, at)).toBe("revoked");
    expect(tokenRefusal({ ...everything, revokedAt: null }, at)).toBe("expired");
    expect(tokenRefusal({ ...everything, revokedAt: null, expiresAt: null }, at)).toBe("exhausted");
    expect(tokenRefusal(usable, at)).toBe("ip-not-allowed");
  });

  it("counts a token whose auth method config is gone as revoked", () => {
    expect(tokenRefusal(usable, { now: NOW, allowsIp: null, ip: "10.0.0.1" })).toBe("revoked");
  });

  it("expires at the exact instant, and leaves the use count to the database when it is not known", () => {
    expect(tokenRefusal({ ...usable, expiresAt: new Date(NOW) }, { now: NOW })).toBe("expired");
    const { accessTokenNumUses: _unknown, ...withoutCount } = usable;
    expect(tokenRefusal({ ...withoutCount, accessTokenNumUsesLimit: 1 }, { now: NOW })).toBeNull();
  });

  it("does not judge the address when none is given (the dashboard's status)", () => {
    expect(tokenRefusal(usable, { now: NOW, allowsIp: onlyLocal })).toBeNull();
  });
});
