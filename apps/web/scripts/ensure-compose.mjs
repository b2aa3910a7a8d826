// Makes sure docker-compose exists for the compose file's test (apps/web/src/test/compose.test.ts
// runs `docker-compose config`, which checks the file without a container engine): Debian's
// `docker-compose` package (1.29) when missing.
import { ensureDebianTools } from "./debian-packages.mjs";

ensureDebianTools("the compose file's test", [{ command: "docker-compose", versionArgs: ["version"], debianPackage: "docker-compose" }]);
