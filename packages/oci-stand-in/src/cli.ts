import { parseCliArgs, USAGE, type CliArgs } from "./cli-args.js";
import { ensureDemoTenancy } from "./demo-tenancy.js";
import { ociFingerprint } from "./fingerprint.js";
import { writeFunctionEnv } from "./function-env.js";
import { loadFunctionsFile, loadInstancesFile } from "./principals-file.js";
import { startOciStandIn } from "./server.js";
import { loadUsersFile } from "./users-file.js";
import { type StandInInstance, type StandInResource, type StandInUser } from "./types.js";

async function main(): Promise<void> {
  let args: CliArgs;
  try {
    args = parseCliArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (args.help) {
    console.log(USAGE);
    return;
  }

  const demo = args.usersFile === undefined ? ensureDemoTenancy(args.out) : undefined;
  const users: StandInUser[] = demo ? [demo.user] : loadUsersFile(args.usersFile!);
  const instances: StandInInstance[] = [
    ...(demo ? [demo.instance] : []),
    ...(args.instancesFile === undefined ? [] : loadInstancesFile(args.instancesFile)),
  ];
  const functions: StandInResource[] = [
    ...(demo ? [demo.fn] : []),
    ...(args.functionsFile === undefined ? [] : loadFunctionsFile(args.functionsFile)),
  ];
  const standIn = await startOciStandIn({
    port: args.port,
    host: args.host,
    clockSkewSeconds: args.clockSkewSeconds,
    tokenLifetimeSeconds: args.tokenLifetimeSeconds,
    responseDelayMs: args.responseDelayMs,
    users,
    instances,
    log: (line) => console.log(`[oci-stand-in] ${line}`),
  });

  const lines = [
    `OCI stand-in listening on ${standIn.url}`,
    "",
    `  OCI_IDENTITY_ENDPOINT=${standIn.url}`,
    `  OCI_AUTH_ENDPOINT=${standIn.url}   (federation and authenticateClient)`,
    "",
  ];
  if (args.responseDelayMs > 0) lines.push(`Every answer is held ${args.responseDelayMs} ms (--response-delay).`, "");
  if (demo) {
    lines.push(
      `Demo tenancy (${demo.reused ? "reused from" : "created in"} ${demo.folder}):`,
      `  tenancy OCID:     ${demo.tenancyOcid}`,
      `  user OCID:        ${demo.userOcid}`,
      `  user name:        ${demo.userName}`,
      `  fingerprint:      ${demo.fingerprint}`,
      `  private key:      ${demo.privateKeyPath}`,
    );
  } else {
    lines.push(`Users from ${args.usersFile}:`);
    for (const user of users) {
      const fingerprints = user.publicKeys.map((pem) => ociFingerprint(pem)).join(", ");
      lines.push(`  ${user.name}  ${user.id}  tenancy ${user.compartmentId}  keys ${fingerprints}`);
    }
  }
  if (instances.length > 0) {
    lines.push("", "Instances (oci-common: builder.metadataBaseUrl = <metadata>, builder.federationEndpoint = the auth endpoint):");
    instances.forEach((instance, index) => {
      lines.push(
        `  ${instance.displayName ?? "instance"}  ${instance.id}`,
        `    tenancy ${instance.tenancyId}  compartment ${instance.compartmentId}  region ${instance.region}`,
        `    metadata: ${standIn.instanceMetadataUrl(instance.id)}${index === 0 ? `  (also ${standIn.url}/opc/v2/)` : ""}`,
      );
    });
  }
  if (functions.length > 0) {
    const expiresAt = new Date(Date.now() + args.rpstLifetimeSeconds * 1000);
    lines.push("", `Functions (resource principal environment, token valid until ${expiresAt.toISOString()} while this process runs):`);
    for (const fn of functions) {
      const envFile = writeFunctionEnv(standIn, fn, args.out, expiresAt);
      lines.push(
        `  ${fn.type ?? "fnfunc"}  ${fn.id}`,
        `    tenancy ${fn.tenancyId}  compartment ${fn.compartmentId}  region ${fn.region}`,
        `    env: ${envFile}`,
      );
    }
  }
  console.log(`${lines.join("\n")}\n`);

  const shutdown = (signal: string) => {
    console.log(`[oci-stand-in] ${signal}: shutting down`);
    standIn.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", () => shutdown("SIGINT"));
  process.once("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((error: unknown) => {
  console.error(`[oci-stand-in] ${(error as Error).message ?? String(error)}`);
  process.exit(1);
});
