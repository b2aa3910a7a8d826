// Makes sure `pnpm test:image` can build and run the image without a container engine: buildah
// (builds deploy/Dockerfile), debootstrap (the test's fallback base when no registry can be
// reached) and unshare (runs the image's root file system read-only), from Debian's packages.
import { ensureDebianTools } from "./debian-packages.mjs";

ensureDebianTools("the image test", [
  { command: "buildah", debianPackage: "buildah" },
  { command: "debootstrap", debianPackage: "debootstrap" },
  { command: "unshare", debianPackage: "util-linux" },
]);
