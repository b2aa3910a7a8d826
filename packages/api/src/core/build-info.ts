// The server's version and revision (/api/status, the ociauth_build_info metric): the same lookup
// the CLI's `ociauth --version` uses, in @ociauth/schema so the client's bundle carries it too.
export { buildInfo, type BuildInfo } from "@ociauth/schema/build-info";
