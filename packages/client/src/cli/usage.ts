/** Help texts. Every command's --help prints its text on stdout; usage errors print it on stderr. */

type OptionLine = [flag: string, description: string];

const options = (lines: OptionLine[]) => lines.map(([flag, text]) => `  ${flag.padEnd(28)}${text}`).join("\n");

const CONNECTION: OptionLine[] = [
  ["--url <url>", "Service base URL (env OCIAUTH_URL, default http://localhost:3000)"],
  ["--json", "Print the JSON response instead of a table"],
  ["-h, --help", "Show this help"],
];
const TOKEN: OptionLine[] = [["--token <token>", "Bearer token: an identity access token or user session (env OCIAUTH_TOKEN)"]];
const CONFIG: OptionLine[] = [
  ["--allowed-usernames <list>", 'Comma-separated OCI user names allowed to log in ("" = any user)'],
  ["--trusted-ips <list>", "Comma-separated IPs/CIDRs the tokens may be used from (default 0.0.0.0/0,::/0)"],
  ["--ttl <seconds>", "Access token TTL (0 = bounded by the max TTL only; default 2592000)"],
  ["--max-ttl <seconds>", "Access token max TTL, counted from login (default 2592000)"],
  ["--num-uses-limit <n>", "Uses per token (0 = unlimited; default 0)"],
  ["--allowed-principal-types <list>", 'Who may log in: user, instance, resource, comma-separated ("" = users only, the default)'],
  ["--allowed-compartment-ocids <list>", 'Comma-separated compartments instances and resources must be in ("" = any)'],
  ["--allowed-principal-ocids <list>", 'Comma-separated OCIDs of the users, instances or resources allowed ("" = any)'],
  [
    "--allowed-regions <list>",
    'Comma-separated regions instances and resources must be in, e.g. us-ashburn-1 (users have no region: refused; "" = any)',
  ],
];
const ID = "d3148b26-fdd0-4875-b3b3-d0e0b7a0726c";

export const MAIN_USAGE = `ociauth — log machine identities in with OCI API keys, manage their OCI auth, the organization's users and organizations

Usage:
  ociauth <command> [options]

Commands:
  login               Log an identity in with an OCI user API key; prints the access token
  oci-auth get        Show an identity's OCI auth configuration
  oci-auth attach     Attach OCI auth to an identity
  oci-auth update     Change an identity's OCI auth (only the options given)
  oci-auth revoke     Remove OCI auth from an identity (revokes the tokens it issued)
  token-auth attach   Attach Token Auth to an identity (get, update and revoke likewise)
  token-auth tokens create  Create an access token for an identity with Token Auth; prints it once
  token-auth tokens list    List an identity's Token Auth tokens (rename and revoke likewise)
  users list          List the users (dashboard operators) of the organization
  users add           Add a user with a role
  users set-role      Change a user's role
  users remove        Remove a user (ends their sessions)
  users reset-password  Set another user's password (admins; ends their sessions)
  users unlock        Clear a user's sign-in delay after failed password logins (admins)
  orgs list           List your organizations (slug, your role)
  orgs create         Create an organization (signed-in users; you become its admin)
  orgs update         Rename an organization or change its slug (admins)
  token verify        Verify an identity access token (offline with the issuer's keys, or --online); prints its claims
  admin signing-keys  List the signing keys: kid, created, state, live tokens (admins)
  admin rotate-signing-key  Start signing with a new key; earlier tokens stay valid (admins)
  help [command]      Show help for a command
  --version           Show the CLI's version and source revision

Run "ociauth <command> --help" for a command's options.

Examples:
  export OCIAUTH_URL=http://localhost:3000 OCIAUTH_TOKEN=<admin token>
  ociauth oci-auth attach ${ID} --tenancy-ocid ocid1.tenancy.oc1..aaaa --allowed-usernames ci-bot
  TOKEN=$(ociauth login --identity-id ${ID} --user-ocid ocid1.user.oc1..bbbb \\
    --tenancy ocid1.tenancy.oc1..aaaa --fingerprint 12:34:…:ef --key-file ~/.oci/oci_api_key.pem --region us-ashburn-1)

Exit status: 0 success, 1 refused by the service (or an unusable key), 2 wrong usage.`;

export const LOGIN_USAGE = `ociauth login — log a machine identity in: with an OCI user API key, or as an instance or resource principal

Usage:
  ociauth login --identity-id <id> --user-ocid <ocid> --tenancy <ocid> --fingerprint <fp>
                --key-file <path> --region <region> [--passphrase <pass>] [--json] [--url <url>]
  ociauth login --auth instance_principal --identity-id <id> [--region <region>] [--json] [--url <url>]
  ociauth login --auth resource_principal --identity-id <id> [--json] [--url <url>]
  ociauth login --auth api_key --identity-id <id> --user-ocid … --tenancy … --fingerprint … --key-file … --region …

Without --auth: signs OCI's GetUser request (GET https://identity.<region>.oraclecloud.com/20160918/users/<user>)
with the API key and exchanges the signed headers at POST /api/v1/auth/oci-auth/login (Infisical's login).
With --auth: the challenge-bound principal login, verified by OCI: gets a challenge, signs it with the
principal (a compute instance's instance principal, a Function's or container's resource principal
from OCI_RESOURCE_PRINCIPAL_*, or the API key) and logs in at POST /api/v1/auth/oci-auth/login/principal.
Prints the token alone (for TOKEN=$(…)), or the whole response with --json.

Options:
${options([
  ["--identity-id <id>", "Machine identity to log in as (it must have OCI auth attached)"],
  ["--auth <method>", "instance_principal, resource_principal or api_key (principal login); omit for Infisical's login"],
  ["--organization-slug <slug>", "Refuse the login unless the identity is in this organization (env INFISICAL_AUTH_ORGANIZATION_SLUG)"],
  ["--audience <audience>", "A token for another service, one of the identity's allowedAudiences (default: this service)"],
  ["--user-ocid <ocid>", "OCI user that owns the API key (ocid1.user.oc1..…)"],
  ["--tenancy <ocid>", "The user's tenancy OCID (alias --tenancy-ocid)"],
  ["--fingerprint <fp>", "API key fingerprint, 12:34:…:ef"],
  ["--key-file <path>", "PEM private key of the API key"],
  ["--region <region>", "OCI region identifier, e.g. us-ashburn-1 (principals: default their own)"],
  ["--passphrase <pass>", "Passphrase of an encrypted key (or env OCIAUTH_KEY_PASSPHRASE)"],
  ["--metadata-url <url>", "instance_principal: the metadata service (default http://169.254.169.254/opc/v2)"],
  ["--federation-endpoint <url>", "instance_principal: where the certificate becomes a token (default OCI's)"],
  ...CONNECTION,
])}

Examples:
  ociauth login --identity-id ${ID} \\
    --user-ocid ocid1.user.oc1..bbbb --tenancy ocid1.tenancy.oc1..aaaa \\
    --fingerprint 12:34:56:78:90:ab:cd:ef:12:34:56:78:90:ab:cd:ef \\
    --key-file ~/.oci/oci_api_key.pem --region us-ashburn-1
  ociauth login --auth instance_principal --identity-id ${ID}     # on a compute instance
  ociauth login --auth resource_principal --identity-id ${ID}     # in an OCI Function
  ociauth login … --json     # {"accessToken": "…", "expiresIn": 2592000, …, "expiresAt": "…"}`;

const TOKEN_CONFIG: OptionLine[] = CONFIG.filter(([flag]) =>
  ["--trusted-ips", "--ttl", "--max-ttl", "--num-uses-limit"].includes(flag.split(" ")[0]!),
).map(([flag, text]) => [flag, text.replace("counted from login", "counted from creation")]);
const TOKEN_ID = "9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d";

export const TOKEN_AUTH_USAGE = `ociauth token-auth — manage an identity's Token Auth: create access tokens for it without OCI

Usage:
  ociauth token-auth get <identityId>
  ociauth token-auth attach <identityId> [options]
  ociauth token-auth update <identityId> [options]
  ociauth token-auth revoke <identityId>
  ociauth token-auth tokens create|list|rename|revoke …

Every subcommand takes --url, --token and --json; see "ociauth token-auth <subcommand> --help".
A token created for an identity acts with the identity's role; nobody creates one for an identity
more privileged than themselves.

Examples:
  ociauth token-auth attach ${ID} --ttl 3600 --max-ttl 86400
  TOKEN=$(ociauth token-auth tokens create ${ID} --name ci-deploy)`;

export const TOKEN_AUTH_SUBCOMMAND_USAGE: Record<string, string> = {
  get: `ociauth token-auth get — show an identity's Token Auth configuration

Usage:
  ociauth token-auth get <identityId> [--json] [--url <url>] [--token <token>]

Options:
${options([...TOKEN, ...CONNECTION])}

Example:
  ociauth token-auth get ${ID} --json`,

  attach: `ociauth token-auth attach — attach Token Auth to an identity

Usage:
  ociauth token-auth attach <identityId> [options]

Options:
${options([...TOKEN_CONFIG, ...TOKEN, ...CONNECTION])}

Examples:
  ociauth token-auth attach ${ID}
  ociauth token-auth attach ${ID} --trusted-ips 10.0.0.0/8 --ttl 3600 --max-ttl 86400 --num-uses-limit 100`,

  update: `ociauth token-auth update — change an identity's Token Auth; options not given stay unchanged

Usage:
  ociauth token-auth update <identityId> [options]

Options:
${options([...TOKEN_CONFIG, ...TOKEN, ...CONNECTION])}

Example:
  ociauth token-auth update ${ID} --ttl 900`,

  revoke: `ociauth token-auth revoke — remove Token Auth from an identity; the tokens it created are revoked too

Usage:
  ociauth token-auth revoke <identityId> [--json] [--url <url>] [--token <token>]

Options:
${options([...TOKEN, ...CONNECTION])}

Example:
  ociauth token-auth revoke ${ID}`,
};

export const TOKEN_AUTH_TOKENS_USAGE = `ociauth token-auth tokens — create, list, rename and revoke an identity's Token Auth tokens

Usage:
  ociauth token-auth tokens create <identityId> [--name <name>]
  ociauth token-auth tokens list <identityId> [--offset <n>] [--limit <n>]
  ociauth token-auth tokens rename <tokenId> <name>
  ociauth token-auth tokens revoke <tokenId>

Every subcommand takes --url, --token and --json; see "ociauth token-auth tokens <subcommand> --help".

Examples:
  TOKEN=$(ociauth token-auth tokens create ${ID} --name ci-deploy)
  ociauth token-auth tokens list ${ID}`;

export const TOKEN_AUTH_TOKENS_SUBCOMMAND_USAGE: Record<string, string> = {
  create: `ociauth token-auth tokens create — create an access token for an identity with Token Auth

Usage:
  ociauth token-auth tokens create <identityId> [--name <name>] [--json] [--url <url>] [--token <token>]

Prints the token alone (for TOKEN=$(…)), or the whole response with --json. It is shown only
now: the service keeps no copy.

Options:
${options([["--name <name>", "A name to tell the token apart"], ...TOKEN, ...CONNECTION])}

Example:
  ociauth token-auth tokens create ${ID} --name break-glass`,

  list: `ociauth token-auth tokens list — list an identity's Token Auth tokens, newest first (never the tokens themselves)

Usage:
  ociauth token-auth tokens list <identityId> [--offset <n>] [--limit <n>] [--json] [--url <url>] [--token <token>]

Options:
${options([["--offset <n>", "Tokens to skip (default 0)"], ["--limit <n>", "Page size, 1 to 100 (default 20)"], ...TOKEN, ...CONNECTION])}

Example:
  ociauth token-auth tokens list ${ID} --json`,

  rename: `ociauth token-auth tokens rename — rename a Token Auth token

Usage:
  ociauth token-auth tokens rename <tokenId> <name> [--json] [--url <url>] [--token <token>]

Options:
${options([...TOKEN, ...CONNECTION])}

Example:
  ociauth token-auth tokens rename ${TOKEN_ID} ci-release`,

  revoke: `ociauth token-auth tokens revoke — revoke a Token Auth token (refused everywhere from then on)

Usage:
  ociauth token-auth tokens revoke <tokenId> [--json] [--url <url>] [--token <token>]

Options:
${options([...TOKEN, ...CONNECTION])}

Example:
  ociauth token-auth tokens revoke ${TOKEN_ID}`,
};

export const OCI_AUTH_USAGE = `ociauth oci-auth — manage an identity's OCI auth configuration

Usage:
  ociauth oci-auth get <identityId>
  ociauth oci-auth attach <identityId> --tenancy-ocid <ocid> [options]
  ociauth oci-auth update <identityId> [options]
  ociauth oci-auth revoke <identityId>

Every subcommand takes --url, --token and --json; see "ociauth oci-auth <subcommand> --help".

Examples:
  ociauth oci-auth attach ${ID} --tenancy-ocid ocid1.tenancy.oc1..aaaa --ttl 3600
  ociauth oci-auth get ${ID} --json`;

export const OCI_AUTH_SUBCOMMAND_USAGE: Record<string, string> = {
  get: `ociauth oci-auth get — show an identity's OCI auth configuration

Usage:
  ociauth oci-auth get <identityId> [--json] [--url <url>] [--token <token>]

Options:
${options([...TOKEN, ...CONNECTION])}

Example:
  ociauth oci-auth get ${ID} --json`,

  attach: `ociauth oci-auth attach — attach OCI auth to an identity

Usage:
  ociauth oci-auth attach <identityId> --tenancy-ocid <ocid> [options]

Options:
${options([["--tenancy-ocid <ocid>", "Tenancy whose users may log in (required, ocid1.tenancy.oc1..…)"], ...CONFIG, ...TOKEN, ...CONNECTION])}

Examples:
  ociauth oci-auth attach ${ID} --tenancy-ocid ocid1.tenancy.oc1..aaaa
  ociauth oci-auth attach ${ID} --tenancy-ocid ocid1.tenancy.oc1..aaaa \\
    --allowed-usernames alice,bob --trusted-ips 10.0.0.0/8,::1 --ttl 3600 --max-ttl 86400`,

  update: `ociauth oci-auth update — change an identity's OCI auth; options not given stay unchanged

Usage:
  ociauth oci-auth update <identityId> [options]

Options:
${options([["--tenancy-ocid <ocid>", "Tenancy whose users may log in"], ...CONFIG, ...TOKEN, ...CONNECTION])}

Examples:
  ociauth oci-auth update ${ID} --ttl 900
  ociauth oci-auth update ${ID} --allowed-usernames ""     # any user of the tenancy
  ociauth oci-auth update ${ID} --allowed-principal-types instance,resource \\
    --allowed-compartment-ocids ocid1.compartment.oc1..aaaa --allowed-regions us-ashburn-1`,

  revoke: `ociauth oci-auth revoke — remove OCI auth from an identity; the tokens it issued are revoked too

Usage:
  ociauth oci-auth revoke <identityId> [--json] [--url <url>] [--token <token>]

Options:
${options([...TOKEN, ...CONNECTION])}

Example:
  ociauth oci-auth revoke ${ID}`,
};

const USER_ID = "5b0c9e3a-1f2d-4c6b-8a7e-9d0f1e2a3b4c";
const ORG: OptionLine[] = [["--org-id <id>", "Organization (env OCIAUTH_ORG_ID; default: the token's own organization)"]];
const PASSWORD_FILE: OptionLine[] = [
  ["--password-file <path>", "File holding the new password (or env OCIAUTH_USER_PASSWORD); never on the command line"],
];
const ROLES = "admin, member, viewer or no-access";

export const USERS_USAGE = `ociauth users — manage the users (dashboard operators) of an organization

Usage:
  ociauth users list
  ociauth users add <email> --role <role> [--password-file <path>]
  ociauth users set-role <userId> <role>
  ociauth users remove <userId>
  ociauth users reset-password <userId> [--password-file <path>]
  ociauth users unlock <userId>

Every subcommand takes --url, --token, --org-id and --json; see "ociauth users <subcommand> --help".
Roles: ${ROLES}. Nobody gives a role above their own; the last admin user cannot be removed or demoted.

Examples:
  ociauth users list
  OCIAUTH_USER_PASSWORD='a long first password' ociauth users add alice@example.com --role member`;

export const USERS_SUBCOMMAND_USAGE: Record<string, string> = {
  list: `ociauth users list — list the users of the organization with their roles

Usage:
  ociauth users list [--org-id <id>] [--json] [--url <url>] [--token <token>]

Options:
${options([...ORG, ...TOKEN, ...CONNECTION])}

Example:
  ociauth users list --json`,

  add: `ociauth users add — add a user to the organization

Usage:
  ociauth users add <email> --role <role> [--password-file <path>] [options]

The password (at least 12 characters) comes from --password-file or OCIAUTH_USER_PASSWORD.

Options:
${options([["--role <role>", `The user's role: ${ROLES} (required)`], ...PASSWORD_FILE, ...ORG, ...TOKEN, ...CONNECTION])}

Examples:
  ociauth users add alice@example.com --role viewer --password-file ./alice.pw
  OCIAUTH_USER_PASSWORD='a long first password' ociauth users add bob@example.com --role admin`,

  "set-role": `ociauth users set-role — change a user's role

Usage:
  ociauth users set-role <userId> <role> [options]

<role> is ${ROLES}. The role applies from the user's next request.

Options:
${options([...ORG, ...TOKEN, ...CONNECTION])}

Example:
  ociauth users set-role ${USER_ID} viewer`,

  remove: `ociauth users remove — remove a user from the organization; their sessions end at once

Usage:
  ociauth users remove <userId> [options]

Options:
${options([...ORG, ...TOKEN, ...CONNECTION])}

Example:
  ociauth users remove ${USER_ID}`,

  "reset-password": `ociauth users reset-password — set another user's password (admins); their sessions end

Usage:
  ociauth users reset-password <userId> [--password-file <path>] [options]

The new password comes from --password-file or OCIAUTH_USER_PASSWORD. To change your own
password, use the dashboard's Account page (it asks for the current one).

Options:
${options([...PASSWORD_FILE, ...ORG, ...TOKEN, ...CONNECTION])}

Example:
  ociauth users reset-password ${USER_ID} --password-file ./new.pw`,

  unlock: `ociauth users unlock — clear a user's sign-in delay (admins)

Usage:
  ociauth users unlock <userId> [options]

After failed password logins an account's next attempts wait (1 s, doubling up to 15 minutes);
this lets the user sign in at once. Needs a human admin's session token.

Options:
${options([...ORG, ...TOKEN, ...CONNECTION])}

Example:
  ociauth users unlock ${USER_ID}`,
};

const ORG_ID = "2f1c5a9e-8b3d-4c6f-9a1e-7d2b4c6e8f01";
const SLUG_RULE = "lowercase letters, digits and single hyphens, at most 64 characters";

export const ORGS_USAGE = `ociauth orgs — list, create and update organizations

Usage:
  ociauth orgs list
  ociauth orgs create <name> [--slug <slug>]
  ociauth orgs update <organizationId> [--name <name>] [--slug <slug>]

Every subcommand takes --url, --token and --json; see "ociauth orgs <subcommand> --help".
A machine identity sees only its own organization and cannot create one; a signed-in user
(a session token, e.g. from POST /api/v1/auth/login) creates organizations and becomes their admin.

Examples:
  ociauth orgs list
  ociauth orgs create "Acme Staging" --slug acme-staging`;

export const ORGS_SUBCOMMAND_USAGE: Record<string, string> = {
  list: `ociauth orgs list — list your organizations with their slug and your role

Usage:
  ociauth orgs list [--json] [--url <url>] [--token <token>]

Options:
${options([...TOKEN, ...CONNECTION])}

Example:
  ociauth orgs list --json`,

  create: `ociauth orgs create — create an organization; you become its admin (users only)

Usage:
  ociauth orgs create <name> [--slug <slug>] [options]

Without --slug the slug comes from the name ("Acme Staging" → acme-staging, with -2, -3, … when taken).

Options:
${options([["--slug <slug>", `The organization's slug: ${SLUG_RULE}`], ...TOKEN, ...CONNECTION])}

Example:
  ociauth orgs create "Acme Staging" --slug acme-staging`,

  update: `ociauth orgs update — rename an organization or change its slug (its admins)

Usage:
  ociauth orgs update <organizationId> [--name <name>] [--slug <slug>] [options]

A changed slug applies at once: logins naming the old slug (organizationSlug) are refused.

Options:
${options([["--name <name>", "The new name"], ["--slug <slug>", `The new slug: ${SLUG_RULE}`], ...TOKEN, ...CONNECTION])}

Example:
  ociauth orgs update ${ORG_ID} --slug acme-prod`,
};

export const TOKEN_USAGE = `ociauth token — verify access tokens as a service receiving them would

Usage:
  ociauth token verify <token> [--online] [--audience <audience>]

See "ociauth token verify --help".

Example:
  ociauth token verify "$TOKEN"`;

export const TOKEN_SUBCOMMAND_USAGE: Record<string, string> = {
  verify: `ociauth token verify — verify an identity access token and print its claims

Usage:
  ociauth token verify <token> [--online] [--audience <audience>] [--json] [--url <url>] [--token <token>]

<token> is the token to check ("-" reads it from stdin, which keeps it out of the process list).
The issuer is --url: the service's PUBLIC_URL.

Offline (the default) checks the signature with the issuer's published keys
(/.well-known/openid-configuration → jwks_uri), its issuer, audience and expiry. Offline cannot
see a revocation or a use limit: a revoked token verifies until it expires. --online asks the
issuer instead (POST /api/v1/auth/token/introspect, counting one use of the token), with your
own access token as --token.

Exit status: 0 valid (claims on stdout), 1 refused (the reason on stderr: expired, invalid,
wrong_audience, unknown_key, unreachable or inactive), 2 wrong usage.

Options:
${options([
  ["--online", "Ask the issuer (introspection): sees revocations; needs --token"],
  ["--audience <audience>", "The audience the token must be for (default: the issuer)"],
  ["--client-ip <ip>", "--online: the address the token was presented from (checked against its trusted IPs)"],
  ["--token <token>", "--online: your own access token, same organization (env OCIAUTH_TOKEN)"],
  ["--url <url>", "The issuer: the service's base URL (env OCIAUTH_URL, default http://localhost:3000)"],
  ["--json", "Print the result as JSON"],
  ["-h, --help", "Show this help"],
])}

Examples:
  ociauth token verify "$TOKEN" --url https://auth.example.com
  ociauth token verify "$TOKEN" --audience billing-api --json
  printf %s "$TOKEN" | ociauth token verify - --online --token "$MY_SERVICE_TOKEN"`,
};

export const ADMIN_USAGE = `ociauth admin — instance-wide administration (an admin of any organization)

Usage:
  ociauth admin signing-keys
  ociauth admin rotate-signing-key [--yes]

Every subcommand takes --url, --token and --json; see "ociauth admin <subcommand> --help".
Signing keys are the instance's, not one organization's: an admin of any organization lists and rotates them.

Examples:
  ociauth admin signing-keys
  ociauth admin rotate-signing-key --yes`;

export const ADMIN_SUBCOMMAND_USAGE: Record<string, string> = {
  "signing-keys": `ociauth admin signing-keys — list the keys that sign access tokens, newest first

Usage:
  ociauth admin signing-keys [--json] [--url <url>] [--token <token>]

STATE is signing (signs new tokens), published (no longer signs; still published at
/.well-known/jwks.json while tokens it signed live) or retired. LIVE TOKENS counts the unrevoked,
unexpired tokens and sessions each key's signature still vouches for.

Options:
${options([...TOKEN, ...CONNECTION])}

Example:
  ociauth admin signing-keys --json`,

  "rotate-signing-key": `ociauth admin rotate-signing-key — start signing with a new key now

Usage:
  ociauth admin rotate-signing-key [--yes] [--json] [--url <url>] [--token <token>]

The new key signs from now on, on every instance within a second. Tokens signed before stay
valid: their key stays published until the last of them expires or is revoked. Asks for
confirmation unless --yes. Keys also rotate on their own every SIGNING_KEY_ROTATION_DAYS.

Options:
${options([["--yes", "Rotate without asking"], ...TOKEN, ...CONNECTION])}

Examples:
  ociauth admin rotate-signing-key
  ociauth admin rotate-signing-key --yes --json`,
};
