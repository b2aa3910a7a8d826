import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalIssuer, startLocalIssuer } from "../test/local-issuer";
import { runCliInProcess } from "../test/run-cli-in-process";

describe("ociauth token verify (in process, against a local issuer)", () => {
  let issuer: LocalIssuer;
  beforeAll(async () => {
    issuer = await startLocalIssuer();
    await issuer.addKey("k1");
  });
  afterAll(() => issuer.close());

  it("prints a readable summary of a valid token and exits 0; --json prints the result", async () => {
    const token = await issuer.sign("k1", {
      exp: null,
      ociauth: {
        org_id: "org-1",
        org_slug: "acme",
        identity_name: "w",
        auth_method: "oci-auth",
        principal_type: "instance",
        principal_ocid: "ocid1.instance.oc1..x",
        region: "us-ashburn-1",
      },
    });
    const plain = await runCliInProcess(["token", "verify", token, "--url", issuer.url]);
    expect(plain).toMatchObject({ code: 0, stderr: "" });
    expect(plain.stdout).toMatch(/^Token valid \(offline: .*revocation is not visible offline/);
    expect(plain.stdout).toMatch(/\nidentity: +w \(identity-1\)\n/);
    expect(plain.stdout).toMatch(/\norganization: +acme \(org-1\)\n/);
    expect(plain.stdout).toMatch(/\nprincipal: +instance ocid1\.instance\.oc1\.\.x\n/);
    expect(plain.stdout).toMatch(/\nexpiresAt: +never\n/);
    expect(plain.stdout).not.toContain("remainingUses");

    const json = await runCliInProcess(
      ["token", "verify", "-", "--json"],
      { OCIAUTH_URL: issuer.url },
      { readStdin: async () => `${token}\n` },
    );
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      active: true,
      mode: "offline",
      claims: { sub: "identity-1", ociauth: { region: "us-ashburn-1" } },
    });
  });

  it("exits 1 with the reason for a refused token (and the reason as JSON with --json)", async () => {
    const wrongAudience = await runCliInProcess(["token", "verify", await issuer.sign("k1", { aud: "billing-api" }), "--url", issuer.url]);
    expect(wrongAudience).toMatchObject({ code: 1, stdout: "" });
    expect(wrongAudience.stderr).toBe(
      `error: token refused (wrong_audience): The access token is not for this audience (expected ${issuer.url})\n`,
    );
    const accepted = await runCliInProcess([
      "token",
      "verify",
      await issuer.sign("k1", { aud: "billing-api" }),
      "--url",
      issuer.url,
      "--audience",
      "billing-api",
    ]);
    expect(accepted.code).toBe(0);

    const expired = await runCliInProcess(["token", "verify", await issuer.sign("k1", { exp: 1 }), "--url", issuer.url, "--json"]);
    expect(expired.code).toBe(1);
    expect(JSON.parse(expired.stdout)).toEqual({ active: false, reason: "expired", message: "The access token has expired" });
    expect(expired.stderr).toMatch(/^error: token refused \(expired\)/);
  });

  it("online: introspects with --token; inactive exits 1", async () => {
    let seen: string | undefined;
    issuer.introspect = (form, bearer) => (
      (seen = `${bearer} ${form.get("token")} ${form.get("client_ip")}`),
      { status: 200, body: { active: false } }
    );
    const run = await runCliInProcess(["token", "verify", "presented", "--online", "--client-ip", "10.0.0.1", "--url", issuer.url], {
      OCIAUTH_TOKEN: "mine",
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: token refused \(inactive\)/);
    expect(seen).toBe("mine presented 10.0.0.1");
  });

  it("wrong usage exits 2 with the usage", async () => {
    const cases = [
      [["token", "verify"], "missing <token>"],
      [["token", "verify", "a", "b"], 'unexpected argument "b"'],
      [["token", "verify", "a", "--online"], "--online needs your own access token"],
      [["token", "verify", "a", "--client-ip", "10.0.0.1"], "--client-ip is for --online"],
      [["token", "verify", "-"], "the token is empty"],
      [["token", "check", "a"], 'unknown token subcommand "check"'],
      [["admin", "signing-keys"], "missing token"],
      [["admin", "signing-keys", "--yes", "--token", "t"], "unknown option --yes"],
      [["admin", "rotate"], 'unknown admin subcommand "rotate"'],
    ] as const;
    for (const [args, message] of cases) {
      const run = await runCliInProcess([...args]);
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stderr).toContain(`error: ${message}`);
      expect(run.stderr).toMatch(/\nUsage:\n/);
    }
  });

  it("help for token and admin commands", async () => {
    for (const [args, text] of [
      [["token", "verify", "--help"], "ociauth token verify <token> [--online] [--audience <audience>]"],
      [["help", "token", "verify"], "Offline (the default) checks the signature"],
      [["admin", "--help"], "ociauth admin rotate-signing-key [--yes]"],
      [["admin", "signing-keys", "-h"], "ociauth admin signing-keys [--json]"],
      [["help", "admin", "rotate-signing-key"], "Asks for\nconfirmation unless --yes"],
      [["--help"], "token verify        Verify an identity access token"],
    ] as const) {
      const run = await runCliInProcess([...args]);
      expect(run).toMatchObject({ code: 0, stderr: "" });
      expect(run.stdout).toContain(text);
    }
  });
});
