// The OCI stand-in in its own process, so verifying signatures does not share the load
// generator's event loop. Usage: node --import tsx src/stand-in-process.ts <users.json>
// Prints `STAND_IN_READY <url>` when listening on 127.0.0.1.
import { readFileSync } from "node:fs";
import { startOciStandIn, type StandInUser } from "@ociauth/oci-stand-in";

const usersFile = process.argv[2];
if (!usersFile) {
  console.error("usage: stand-in-process.ts <users.json>");
  process.exit(2);
}
const users = JSON.parse(readFileSync(usersFile, "utf8")) as StandInUser[];
const standIn = await startOciStandIn({ host: "127.0.0.1", port: 0, users });
// The stand-in records every request (for tests); under load that would only grow.
setInterval(() => {
  standIn.requests.length = 0;
}, 1000).unref();
console.log(`STAND_IN_READY ${standIn.url}`);

const shutdown = () => {
  standIn.close().finally(() => process.exit(0));
};
process.once("SIGTERM", shutdown);
process.once("SIGINT", shutdown);
