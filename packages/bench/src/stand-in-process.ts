// The OCI stand-in in its own process, so verifying signatures does not share the load
// generator's event loop. Usage: node --import tsx src/stand-in-process.ts <users.json> [--instances <instances.json>]
// (the files as the stand-in's CLI takes them: StandInUser[] and StandInInstance[]). Prints
// `STAND_IN_INSTANCE <ocid> <metadata url>` for each instance, then `STAND_IN_READY <url>` when
// listening on 127.0.0.1.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { startOciStandIn, type StandInInstance, type StandInUser } from "@ociauth/oci-stand-in";

const { values, positionals } = parseArgs({ options: { instances: { type: "string" } }, allowPositionals: true });
const usersFile = positionals[0];
if (!usersFile || positionals.length > 1) {
  console.error("usage: stand-in-process.ts <users.json> [--instances <instances.json>]");
  process.exit(2);
}
const users = JSON.parse(readFileSync(usersFile, "utf8")) as StandInUser[];
const instances = values.instances ? (JSON.parse(readFileSync(values.instances, "utf8")) as StandInInstance[]) : [];
const standIn = await startOciStandIn({ host: "127.0.0.1", port: 0, users, instances });
// The stand-in records every request (for tests); under load that would only grow.
setInterval(() => {
  standIn.requests.length = 0;
}, 1000).unref();
for (const instance of instances) console.log(`STAND_IN_INSTANCE ${instance.id} ${standIn.instanceMetadataUrl(instance.id)}`);
console.log(`STAND_IN_READY ${standIn.url}`);

const shutdown = () => {
  standIn.close().finally(() => process.exit(0));
};
process.once("SIGTERM", shutdown);
process.once("SIGINT", shutdown);
