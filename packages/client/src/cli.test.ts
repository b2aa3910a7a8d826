import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createOciAuthClient } from "./index";
import { adminClient, closedPortUrl, createIdentityWithOciAuth, fixture } from "./test/fixture";
import { runCliInProcess } from "./test/run-cli-in-process";
import { runCliProcess } from "./test/run-cli-process";

const admin = () => ({ OCIAUTH_URL: fixture().url, OCIAUTH_TOKEN: fixture().adminToken });

async function newIdentity(name: string): Promise<string> {
  const { identity } = await adminClient().identities.create.mutate({ name, organizationId: fixture().orgId, role: "member" });
  return identity.id;
}

function loginArgs(identityId: string, overrides: Record<string, string> = {}): string[] {
  const { oci, url } = fixture();
  const flags = {
    "--url": url,
    "--identity-id": identityId,
    "--user-ocid": oci.userOcid,
    "--tenancy": oci.tenancyOcid,
    "--fingerprint": oci.fingerprint,
    "--key-file": oci.keyPath,
    "--region": "us-ashburn-1",
    ...overrides,
  };
  return ["login", ...Object.entries(flags).flat()];
}

// Child processes spend most of their time starting up: run these tests side by side.
describe.concurrent("ociauth CLI (child process)", () => {
  it("--help and every command's help print usage with examples on stdout, exit 0", async () => {
    const topics = {
      "--help": "ociauth <command> [options]",
      "login --help": "ociauth login --identity-id <id>",
      "oci-auth --help": "ociauth oci-auth get <identityId>",
      "oci-auth get --help": "ociauth oci-auth get <identityId> [--json]",
      "oci-auth attach -h": "ociauth oci-auth attach <identityId> --tenancy-ocid <ocid> [options]",
      "oci-auth update --help": "ociauth oci-auth update <identityId> [options]",
      "oci-auth revoke --help": "ociauth oci-auth revoke <identityId> [--json]",
      "users --help": "ociauth users set-role <userId> <role>",
      "users add --help": "ociauth users add <email> --role <role> [--password-file <path>] [options]",
    };
    const runs = await Promise.all(Object.keys(topics).map((args) => runCliProcess(args.split(" "))));
    Object.values(topics).forEach((usage, i) => {
      const run = runs[i]!;
      expect(run).toMatchObject({ code: 0, stderr: "" });
      expect(run.stdout).toContain(usage);
      expect(run.stdout).toMatch(/\nExamples?:\n(.*\n)*? {2}ociauth /);
    });
    expect(runs[0]!.stdout).toContain("oci-auth attach     Attach OCI auth to an identity");
    expect(runs[3]!.stdout).toContain("--token <token>");
    expect(runs[4]!.stdout).toContain("--trusted-ips <list>");
    expect(runs[0]!.stdout).toContain("users remove        Remove a user (ends their sessions)");
    expect(runs[8]!.stdout).toContain("--password-file <path>");
  });

  it("login prints a token that works", async () => {
    const identityId = await createIdentityWithOciAuth({ accessTokenTTL: 1200 });
    const plain = await runCliProcess(loginArgs(identityId));
    expect(plain).toMatchObject({ code: 0, stderr: "" });
    const token = plain.stdout.trim();
    expect(plain.stdout).toBe(`${token}\n`);
    const workload = createOciAuthClient({ url: fixture().url, token });
    expect((await workload.ociAuth.get.query({ identityId })).identityOciAuth.identityId).toBe(identityId);
  });

  it("oci-auth attach, get, update (only the flags given) and revoke; exit 1 with the API error afterwards", async () => {
    const identityId = await newIdentity("cli-managed");
    const { tenancyOcid } = fixture().oci;

    const attach = await runCliProcess(
      [
        "oci-auth",
        "attach",
        identityId,
        "--tenancy-ocid",
        tenancyOcid,
        "--allowed-usernames",
        "alice,bob",
        "--trusted-ips",
        "10.0.0.0/8,::1",
        "--ttl",
        "3600",
        "--max-ttl",
        "86400",
      ],
      admin(),
    );
    expect(attach).toMatchObject({ code: 0, stderr: "" });
    expect(attach.stdout).toContain(`OCI auth attached to identity ${identityId}`);
    expect(attach.stdout).toMatch(/tenancyOcid: +ocid1\.tenancy\.oc1\./);
    expect(attach.stdout).toMatch(/allowedUsernames: +alice, bob\n/);
    expect(attach.stdout).toMatch(/accessTokenTrustedIps: +10\.0\.0\.0\/8, ::1\n/);
    expect(attach.stdout).toMatch(/accessTokenTTL: +3600 \(1h\)\n/);

    const update = await runCliProcess(["oci-auth", "update", identityId, "--num-uses-limit", "5", "--allowed-usernames", ""], admin());
    expect(update).toMatchObject({ code: 0, stderr: "" });
    expect(update.stdout).toMatch(/allowedUsernames: +\(any user of the tenancy\)/);

    const get = await runCliProcess(["oci-auth", "get", identityId, "--json", "--url", fixture().url, "--token", fixture().adminToken]);
    expect(get).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(get.stdout)).toMatchObject({
      identityOciAuth: {
        identityId,
        tenancyOcid,
        allowedUsernames: null,
        accessTokenNumUsesLimit: 5,
        accessTokenTTL: 3600,
        accessTokenMaxTTL: 86400,
        accessTokenTrustedIps: [
          { ipAddress: "10.0.0.0", type: "ipv4", prefix: 8 },
          { ipAddress: "::1", type: "ipv6" },
        ],
      },
    });

    const revoke = await runCliProcess(["oci-auth", "revoke", identityId], admin());
    expect(revoke).toMatchObject({ code: 0, stderr: "" });
    expect(revoke.stdout).toContain(`OCI auth removed from identity ${identityId}`);

    const gone = await runCliProcess(["oci-auth", "get", identityId], admin());
    expect(gone).toMatchObject({ code: 1, stdout: "", stderr: "error: 404 NotFound: The identity does not have OCI Auth attached\n" });
  });

  it("oci-auth sets, shows in words and clears the principal rules", async () => {
    const identityId = await newIdentity("cli-principals");
    const { tenancyOcid } = fixture().oci;
    const compartment = "ocid1.compartment.oc1..aaaaaaaaclicompartment";
    expect((await runCliProcess(["oci-auth", "attach", identityId, "--tenancy-ocid", tenancyOcid], admin())).stdout).toContain(
      `Who may log in:\n  OCI users signing with an API key of tenancy ${tenancyOcid} may log in.`,
    );

    const set = await runCliProcess(
      [
        "oci-auth",
        "update",
        identityId,
        "--allowed-principal-types",
        "resource,instance",
        "--allowed-compartment-ocids",
        compartment,
        "--allowed-regions",
        "us-ashburn-1",
      ],
      admin(),
    );
    expect(set).toMatchObject({ code: 0, stderr: "" });
    expect(set.stdout).toMatch(/allowedPrincipalTypes: +instance, resource\n/);
    expect(set.stdout).toMatch(/allowedPrincipalOcids: +\(any principal\)\n/);
    expect(set.stdout).toContain(`  Only from compartment ${compartment}.\n  Only in region us-ashburn-1.`);

    const wrong = await runCliProcess(["oci-auth", "update", identityId, "--allowed-principal-types", "vm"], admin());
    expect(wrong).toMatchObject({ code: 1, stdout: "" });
    expect(wrong.stderr).toContain('Allowed principal types can only contain "user", "instance" and "resource" (got "vm")');

    const cleared = await runCliProcess(
      ["oci-auth", "update", identityId, "--allowed-principal-types", "", "--allowed-regions", ""],
      admin(),
    );
    expect(cleared.stdout).toMatch(/allowedPrincipalTypes: +user \(default\)\n/);
    const get = await runCliProcess(["oci-auth", "get", identityId, "--json"], admin());
    const config = JSON.parse(get.stdout).identityOciAuth;
    expect(config.allowedCompartmentOcids).toBe(compartment);
    expect(config).not.toHaveProperty("allowedPrincipalTypes");
    expect(config).not.toHaveProperty("allowedRegions");
  });

  it("exit 2: unknown command and unknown flag, with the usage on stderr", async () => {
    const [command, flag] = await Promise.all([
      runCliProcess(["frobnicate"]),
      runCliProcess(["oci-auth", "get", "00000000-0000-4000-8000-000000000000", "--ttl", "5"], admin()),
    ]);
    expect(command).toMatchObject({ code: 2, stdout: "" });
    expect(command.stderr).toMatch(/^error: unknown command "frobnicate"\n\nociauth — .*\n\nUsage:\n {2}ociauth <command> \[options\]/);
    expect(flag).toMatchObject({ code: 2, stdout: "" });
    expect(flag.stderr).toMatch(
      /^error: unknown option --ttl\n\nociauth oci-auth get — .*\n\nUsage:\n {2}ociauth oci-auth get <identityId>/,
    );
  });
});

describe("ociauth CLI (in process: every usage error)", () => {
  const id = "00000000-0000-4000-8000-000000000000";
  const token = { OCIAUTH_TOKEN: "t" };
  const cases: [string[], Record<string, string>, string, string][] = [
    [[], {}, "error: missing command", "ociauth <command> [options]"],
    [["--verbose"], {}, 'error: unknown option "--verbose"', "ociauth <command> [options]"],
    [["help", "nope"], {}, 'error: unknown command "nope"', "ociauth <command> [options]"],
    [["oci-auth"], token, "error: missing subcommand (get, attach, update or revoke)", "ociauth oci-auth get <identityId>"],
    [["oci-auth", "delete", id], token, 'error: unknown oci-auth subcommand "delete"', "ociauth oci-auth get <identityId>"],
    [["oci-auth", "get"], token, "error: missing <identityId>", "ociauth oci-auth get <identityId>"],
    [["oci-auth", "get", id, "extra"], token, 'error: unexpected argument "extra"', "ociauth oci-auth get <identityId>"],
    [["oci-auth", "get", id], {}, "error: missing token: pass --token or set OCIAUTH_TOKEN", "ociauth oci-auth get <identityId>"],
    [["oci-auth", "attach", id], token, "error: missing required option --tenancy-ocid", "ociauth oci-auth attach <identityId>"],
    [
      ["oci-auth", "update", id],
      token,
      "error: nothing to update: pass at least one configuration option",
      "ociauth oci-auth update <identityId>",
    ],
    [
      ["oci-auth", "update", id, "--ttl", "1h"],
      token,
      'error: --ttl must be a whole number of at least 0, got "1h"',
      "ociauth oci-auth update <identityId>",
    ],
    [
      ["oci-auth", "update", id, "--max-ttl"],
      token,
      "error: Option '--max-ttl <value>' argument missing",
      "ociauth oci-auth update <identityId>",
    ],
    [
      ["oci-auth", "revoke", id, "--tenancy-ocid", "x"],
      token,
      "error: unknown option --tenancy-ocid",
      "ociauth oci-auth revoke <identityId>",
    ],
    [
      ["login", "--identity-id", id],
      {},
      "error: missing required options --user-ocid, --tenancy, --fingerprint, --key-file, --region",
      "ociauth login --identity-id <id>",
    ],
    [["login", "extra"], {}, 'error: unexpected argument "extra"', "ociauth login --identity-id <id>"],
    [["users"], token, "error: missing subcommand (list, add, set-role, remove, reset-password or unlock)", "ociauth users list"],
    [["users", "delete", id], token, 'error: unknown users subcommand "delete"', "ociauth users list"],
    [["users", "list"], {}, "error: missing token: pass --token or set OCIAUTH_TOKEN", "ociauth users list [--org-id <id>]"],
    [["users", "list", "extra"], token, 'error: unexpected argument "extra"', "ociauth users list [--org-id <id>]"],
    [["users", "list", "--role", "admin"], token, "error: unknown option --role", "ociauth users list [--org-id <id>]"],
    [["users", "add"], token, "error: missing <email>", "ociauth users add <email> --role <role>"],
    [["users", "add", "a@b.co"], token, "error: missing required option --role", "ociauth users add <email> --role <role>"],
    [
      ["users", "add", "a@b.co", "--role", "owner"],
      token,
      'error: role must be one of admin, member, viewer, no-access, got "owner"',
      "ociauth users add <email> --role <role>",
    ],
    [
      ["users", "add", "a@b.co", "--role", "viewer"],
      token,
      "error: missing password: pass --password-file <path> or set OCIAUTH_USER_PASSWORD",
      "ociauth users add <email> --role <role>",
    ],
    [["users", "set-role", id], token, "error: missing <role>", "ociauth users set-role <userId> <role>"],
    [["users", "remove"], token, "error: missing <userId>", "ociauth users remove <userId>"],
    [["users", "reset-password", id, "--role", "admin"], token, "error: unknown option --role", "ociauth users reset-password <userId>"],
    [
      ["login", "--identity-id", id, "--user-ocid", "u", "--tenancy", "t", "--fingerprint", "f", "--key-file", "k", "--region", "IAD"],
      {},
      'error: Invalid OCI region "IAD": expected a region identifier such as us-ashburn-1 or eu-frankfurt-1 (lowercase <area>-<city>-<number>, not a region key like IAD).',
      "ociauth login --identity-id <id>",
    ],
  ];

  it.each(cases)("%j → exit 2", async (args, env, message, usage) => {
    const run = await runCliInProcess(args, env);
    expect(run).toMatchObject({ code: 2, stdout: "" });
    expect(run.stderr.startsWith(`${message}\n\n`), run.stderr).toBe(true);
    expect(run.stderr).toContain(`Usage:\n  ${usage}`);
  });

  it("--version (-V) prints the CLI's version and revision; OCIAUTH_VERSION / OCIAUTH_REVISION override them", async () => {
    const root = path.resolve(import.meta.dirname, "../../..");
    const { version } = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { version: string };
    const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
    expect(await runCliInProcess(["--version"])).toEqual({ code: 0, stdout: `ociauth ${version} (revision ${head})\n`, stderr: "" });
    expect((await runCliInProcess(["-V"])).stdout).toBe(`ociauth ${version} (revision ${head})\n`);
    expect((await runCliInProcess(["--version"], { OCIAUTH_VERSION: "9.8.7" })).stdout).toBe(`ociauth 9.8.7 (revision ${head})\n`);
    const overridden = await runCliProcess(["--version"], { OCIAUTH_VERSION: "9.8.7", OCIAUTH_REVISION: "feedbee" });
    expect(overridden).toMatchObject({ code: 0, stdout: "ociauth 9.8.7 (revision feedbee)\n" });
  });

  it("help <command> [subcommand] prints that command's help", async () => {
    expect((await runCliInProcess(["help", "oci-auth", "update"])).stdout).toContain("ociauth oci-auth update — ");
    expect((await runCliInProcess(["help", "login"])).stdout).toContain("ociauth login — ");
    expect(await runCliInProcess(["help"])).toMatchObject({ code: 0, stdout: expect.stringContaining("ociauth <command> [options]") });
  });

  it("login --json prints the whole response; --tenancy-ocid is an alias of --tenancy", async () => {
    const identityId = await createIdentityWithOciAuth({ accessTokenTTL: 1200 });
    const args = loginArgs(identityId).map((arg) => (arg === "--tenancy" ? "--tenancy-ocid" : arg));
    const run = await runCliInProcess([...args, "--json"]);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    const body = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(body).toMatchObject({ expiresIn: 1200, tokenType: "Bearer", accessToken: expect.stringMatching(/^eyJ/) });
    expect(new Date(body.expiresAt as string).getTime()).toBeGreaterThan(Date.now());
  });

  it("exit 1 for API errors (with each validation issue) and for an unreadable key", async () => {
    const identityId = await createIdentityWithOciAuth();
    const invalid = await runCliInProcess(["oci-auth", "update", identityId, "--ttl", "7200", "--max-ttl", "3600"], admin());
    expect(invalid).toMatchObject({ code: 1, stdout: "" });
    expect(invalid.stderr).toBe(
      "error: 422 ValidationFailure: Access Token TTL cannot be greater than Access Token Max TTL.\n" +
        "  - accessTokenTTL: Access Token TTL cannot be greater than Access Token Max TTL.\n",
    );
    const wrongKey = await runCliInProcess(loginArgs(identityId, { "--fingerprint": "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff" }));
    expect(wrongKey).toMatchObject({ code: 1, stdout: "" });
    expect(wrongKey.stderr).toMatch(/^error: 401 UnauthorizedError: Access denied: OCI rejected the signed request/);
    const badToken = await runCliInProcess(["oci-auth", "get", identityId], { ...admin(), OCIAUTH_TOKEN: "not-a-token" });
    expect(badToken).toMatchObject({ code: 1, stdout: "" });
    expect(badToken.stderr).toMatch(/^error: 403 TokenError: /);
    const notUuid = await runCliInProcess(["oci-auth", "get", "nope"], admin());
    expect(notUuid).toMatchObject({ code: 1, stderr: expect.stringMatching(/^error: 422 ValidationFailure: .*\n {2}- identityId: .+\n$/) });
    const noKeyFile = await runCliInProcess(loginArgs(identityId, { "--key-file": "/nonexistent/key.pem" }));
    expect(noKeyFile).toMatchObject({ code: 1, stdout: "" });
    expect(noKeyFile.stderr).toMatch(/^error: Could not read the OCI API private key file \/nonexistent\/key\.pem: ENOENT/);
    const unreachable = await runCliInProcess(["oci-auth", "get", identityId], { OCIAUTH_URL: await closedPortUrl(), OCIAUTH_TOKEN: "t" });
    expect(unreachable).toMatchObject({ code: 1, stderr: expect.stringMatching(/^error: 0 NetworkError: Could not reach the service/) });
  });
});

describe("ociauth users (in process, against the server)", () => {
  const NEW_PASSWORD = "a-long-cli-password-1";
  /** Users' credentials are managed by human admins: the bootstrap user's own session token. */
  let humanToken: string | undefined;
  const human = async () => {
    humanToken ??= (
      await createOciAuthClient({ url: fixture().url }).auth.login.mutate({ email: "ops@example.com", password: "long-enough-password" })
    ).token;
    return { OCIAUTH_URL: fixture().url, OCIAUTH_TOKEN: humanToken };
  };

  it("add, list, set-role, reset-password, unlock and remove; the organization defaults to the token's own", async () => {
    const env = { ...(await human()), OCIAUTH_USER_PASSWORD: NEW_PASSWORD };
    const add = await runCliInProcess(["users", "add", "cli-user@example.com", "--role", "viewer"], env);
    expect(add).toMatchObject({ code: 0, stderr: "" });
    expect(add.stdout).toMatch(
      /^User cli-user@example.com added\n\nid: {4}\s*[0-9a-f-]{36}\nemail: .*cli-user@example.com\nrole: .*viewer\n$/,
    );
    const userId = /id:\s+([0-9a-f-]{36})/.exec(add.stdout)![1]!;

    const list = await runCliInProcess(["users", "list"], await human());
    expect(list.code).toBe(0);
    expect(list.stdout.split("\n")[0]).toMatch(/^ID\s+EMAIL\s+ROLE\s+CREATED$/);
    expect(list.stdout).toMatch(new RegExp(`${userId}\\s+cli-user@example.com\\s+viewer\\s+\\d{4}-`));
    const json = JSON.parse((await runCliInProcess(["users", "list", "--json", "--org-id", fixture().orgId], admin())).stdout);
    expect(json.users).toContainEqual(expect.objectContaining({ id: userId, email: "cli-user@example.com", role: "viewer" }));

    const setRole = await runCliInProcess(["users", "set-role", userId, "member"], await human());
    expect(setRole).toMatchObject({ code: 0, stdout: expect.stringContaining(`Role of user ${userId} set to member`) });
    expect((await adminClient().users.list.query({ organizationId: fixture().orgId })).users.find((u) => u.id === userId)?.role).toBe(
      "member",
    );

    const dir = await mkdtemp(path.join(tmpdir(), "ociauth-cli-"));
    const file = path.join(dir, "pw");
    await writeFile(file, "another-long-password\n");
    const reset = await runCliInProcess(["users", "reset-password", userId, "--password-file", file, "--json"], await human());
    expect(reset).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(reset.stdout)).toEqual({ ok: true });
    const session = await createOciAuthClient({ url: fixture().url }).auth.login.mutate({
      email: "cli-user@example.com",
      password: "another-long-password",
    });
    expect(session.user.id).toBe(userId);

    const unlock = await runCliInProcess(["users", "unlock", userId, "--json"], await human());
    expect(unlock).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(unlock.stdout)).toEqual({ ok: true });

    const remove = await runCliInProcess(["users", "remove", userId], await human());
    expect(remove).toMatchObject({ code: 0, stdout: expect.stringContaining(`User ${userId} removed from the organization`) });
    const removed = createOciAuthClient({ url: fixture().url, token: session.token });
    await expect(removed.auth.me.query()).rejects.toMatchObject({ status: 401 });
  });

  it("exit 1 when a machine identity's token adds a user: human users' credentials are for human admins", async () => {
    const refused = await runCliInProcess(["users", "add", "machine-made@example.com", "--role", "viewer"], {
      ...admin(),
      OCIAUTH_USER_PASSWORD: NEW_PASSWORD,
    });
    expect(refused).toMatchObject({ code: 1, stdout: "" });
    expect(refused.stderr).toMatch(/^error: 403 ForbiddenError: Machine identities cannot manage human users' credentials or admin role/);
  });

  it("exit 1 with the service's refusal: the last admin, a short password, an unreadable password file", async () => {
    const owner = (await adminClient().users.list.query({ organizationId: fixture().orgId })).users.find(
      (u) => u.email === "ops@example.com",
    )!;
    const last = await runCliInProcess(["users", "set-role", owner.id, "viewer"], await human());
    expect(last).toMatchObject({ code: 1, stdout: "" });
    expect(last.stderr).toMatch(/^error: 400 BadRequest: An organization needs at least one admin user/);
    const short = await runCliInProcess(["users", "add", "short@example.com", "--role", "viewer"], {
      ...(await human()),
      OCIAUTH_USER_PASSWORD: "short",
    });
    expect(short).toMatchObject({ code: 1, stdout: "" });
    expect(short.stderr).toContain("  - password: Password must be at least 12 characters");
    const noFile = await runCliInProcess(["users", "reset-password", owner.id, "--password-file", "/nonexistent/pw"], await human());
    expect(noFile).toMatchObject({ code: 1, stderr: "error: Could not read the password file /nonexistent/pw: ENOENT\n" });
  });
});

describe("ociauth token-auth (in process, against the server)", () => {
  it("attach, get, update; tokens create (a token that works), list, rename, revoke; revoke", async () => {
    const identityId = await newIdentity("cli-token-auth");
    const attach = await runCliInProcess(["token-auth", "attach", identityId, "--ttl", "600", "--max-ttl", "3600"], admin());
    expect(attach).toMatchObject({ code: 0, stderr: "" });
    expect(attach.stdout).toMatch(new RegExp(`^Token Auth attached to identity ${identityId}\\n\\nidentityId: +${identityId}\\n`));
    expect(attach.stdout).toMatch(/accessTokenTTL: +600 \(10m\)\n/);
    const got = JSON.parse((await runCliInProcess(["token-auth", "get", identityId, "--json"], admin())).stdout);
    expect(got.identityTokenAuth).toMatchObject({ identityId, accessTokenTTL: 600, accessTokenMaxTTL: 3600, accessTokenNumUsesLimit: 0 });
    const update = await runCliInProcess(["token-auth", "update", identityId, "--num-uses-limit", "50"], admin());
    expect(update).toMatchObject({ code: 0, stdout: expect.stringMatching(/accessTokenNumUsesLimit: +50\n/) });

    const create = await runCliInProcess(["token-auth", "tokens", "create", identityId, "--name", "cli-made"], admin());
    expect(create).toMatchObject({ code: 0, stderr: "" });
    const token = create.stdout.trim();
    expect(token).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
    const asIdentity = createOciAuthClient({ url: fixture().url, token });
    expect((await asIdentity.identities.get.query({ identityId })).identity.id).toBe(identityId);

    const list = await runCliInProcess(["token-auth", "tokens", "list", identityId], admin());
    expect(list.code).toBe(0);
    expect(list.stdout.split("\n")[0]).toMatch(/^ID\s+NAME\s+STATE\s+USES\s+CREATED\s+EXPIRES$/);
    expect(list.stdout).toMatch(/[0-9a-f-]{36}\s+cli-made\s+active\s+1\/50\s+\d{4}-/);
    expect(list.stdout).not.toContain(token);
    const tokenId = /^([0-9a-f-]{36})/m.exec(list.stdout.split("\n")[1]!)![1]!;

    const rename = await runCliInProcess(["token-auth", "tokens", "rename", tokenId, "cli-renamed", "--json"], admin());
    expect(JSON.parse(rename.stdout).token).toMatchObject({ id: tokenId, name: "cli-renamed" });
    const revoke = await runCliInProcess(["token-auth", "tokens", "revoke", tokenId], admin());
    expect(revoke).toMatchObject({ code: 0, stdout: `Token ${tokenId} revoked\n` });
    await expect(asIdentity.auth.me.query()).rejects.toMatchObject({ status: 401 });
    const again = await runCliInProcess(["token-auth", "tokens", "revoke", tokenId], admin());
    expect(again).toMatchObject({ code: 1, stderr: `error: 404 NotFound: Token with ID ${tokenId} not found or already revoked\n` });

    const detach = await runCliInProcess(["token-auth", "revoke", identityId], admin());
    expect(detach).toMatchObject({ code: 0, stdout: expect.stringContaining(`Token Auth removed from identity ${identityId}`) });
  });

  it("usage errors exit 2 with the subcommand's usage; help topics print it", async () => {
    for (const [args, message, usage] of [
      [["token-auth"], "error: missing subcommand (get, attach, update, revoke or tokens)", "ociauth token-auth get <identityId>"],
      [
        ["token-auth", "tokens"],
        "error: missing subcommand (create, list, rename or revoke)",
        "ociauth token-auth tokens create <identityId>",
      ],
      [["token-auth", "tokens", "rename", "x"], "error: missing <name>", "ociauth token-auth tokens rename <tokenId> <name>"],
      [["token-auth", "attach"], "error: missing <identityId>", "ociauth token-auth attach <identityId> [options]"],
      [
        ["token-auth", "update", "x", "--token", "t"],
        "error: nothing to update: pass at least one configuration option",
        "ociauth token-auth update",
      ],
      [
        ["token-auth", "tokens", "list", "x", "--limit", "many"],
        'error: --limit must be a whole number of at least 0, got "many"',
        "ociauth token-auth tokens list",
      ],
    ] as const) {
      const run = await runCliInProcess([...args], {});
      expect(run, args.join(" ")).toMatchObject({ code: 2, stdout: "" });
      expect(run.stderr.startsWith(`${message}\n\n`), run.stderr).toBe(true);
      expect(run.stderr).toContain(usage);
    }
    expect((await runCliInProcess(["help", "token-auth", "tokens", "create"])).stdout).toContain("ociauth token-auth tokens create — ");
    expect((await runCliInProcess(["token-auth", "tokens", "--help"])).stdout).toContain(
      "ociauth token-auth tokens rename <tokenId> <name>",
    );
  });
});

describe("ociauth orgs (in process, against the server)", () => {
  let humanToken: string | undefined;
  const human = async () => {
    humanToken ??= (
      await createOciAuthClient({ url: fixture().url }).auth.login.mutate({ email: "ops@example.com", password: "long-enough-password" })
    ).token;
    return { OCIAUTH_URL: fixture().url, OCIAUTH_TOKEN: humanToken };
  };

  it("create (slug from the name or given), list with slugs and roles, update name and slug", async () => {
    const created = await runCliInProcess(["orgs", "create", "CLI Made Org"], await human());
    expect(created).toMatchObject({ code: 0, stderr: "" });
    expect(created.stdout).toMatch(
      /^Organization CLI Made Org created; you are its admin\n\nid: +[0-9a-f-]{36}\nname: +CLI Made Org\nslug: +cli-made-org\n$/,
    );
    const orgId = /id:\s+([0-9a-f-]{36})/.exec(created.stdout)![1]!;

    const chosen = JSON.parse((await runCliInProcess(["orgs", "create", "Other", "--slug", "cli-chosen", "--json"], await human())).stdout);
    expect(chosen.organization).toMatchObject({ name: "Other", slug: "cli-chosen" });

    const list = await runCliInProcess(["orgs", "list"], await human());
    expect(list.code).toBe(0);
    expect(list.stdout.split("\n")[0]).toMatch(/^ID\s+SLUG\s+ROLE\s+NAME$/);
    expect(list.stdout).toMatch(new RegExp(`${orgId}\\s+cli-made-org\\s+admin\\s+CLI Made Org`));

    const update = await runCliInProcess(["orgs", "update", orgId, "--name", "CLI Org", "--slug", "cli-org"], await human());
    expect(update).toMatchObject({ code: 0, stdout: expect.stringContaining(`Organization ${orgId} updated`) });
    expect(update.stdout).toMatch(/slug: +cli-org/);
    const { organizations } = await createOciAuthClient({ url: fixture().url, token: humanToken }).organizations.list.query();
    expect(organizations.find((o) => o.id === orgId)).toMatchObject({ name: "CLI Org", slug: "cli-org", userRole: "admin" });
  });

  it("login --organization-slug (or INFISICAL_AUTH_ORGANIZATION_SLUG): the identity's organization's logs in, an unknown one exits 1 with 404", async () => {
    const identityId = await createIdentityWithOciAuth();
    const ok = await runCliInProcess(loginArgs(identityId, { "--organization-slug": "client-tests" }));
    expect(ok).toMatchObject({ code: 0, stderr: "" });
    expect(ok.stdout).toMatch(/^eyJ/);
    const refused = await runCliInProcess(loginArgs(identityId), { INFISICAL_AUTH_ORGANIZATION_SLUG: "no-such-org" });
    expect(refused).toMatchObject({ code: 1, stdout: "", stderr: "error: 404 NotFound: Organization with slug no-such-org not found\n" });
  });

  it("an identity lists its own organization only and cannot create one (exit 1); usage errors exit 2", async () => {
    const list = JSON.parse((await runCliInProcess(["orgs", "list", "--json"], admin())).stdout);
    expect(list.organizations.map((o: { id: string }) => o.id)).toEqual([fixture().orgId]);
    const refused = await runCliInProcess(["orgs", "create", "Machine Made"], admin());
    expect(refused).toMatchObject({ code: 1, stdout: "" });
    expect(refused.stderr).toMatch(/^error: 403 ForbiddenError: Machine identities cannot create organizations/);
    const taken = await runCliInProcess(["orgs", "create", "Again", "--slug", "cli-chosen"], await human());
    expect(taken.code).toBe(1);
    expect(taken.stderr).toMatch(/^error: 400 BadRequest: An organization with the slug "cli-chosen" already exists/);
    const noChange = await runCliInProcess(["orgs", "update", fixture().orgId], admin());
    expect(noChange).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^error: give --name, --slug or both\n\nociauth orgs update/),
    });
    const missing = await runCliInProcess(["orgs", "create"], admin());
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringMatching(/^error: missing <name>/) });
  });
});
