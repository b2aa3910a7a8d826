import type * as ServerApi from "@ociauth/api";

/**
 * @ociauth/api exactly as the HTTP entry (server.mjs) loads it: Node imports the compiled package
 * at run time and the bundler leaves this import alone (Next bundles workspace packages even when
 * they are listed as external). So the pages share the entry's module graph, and with it the
 * process's one Runtime: one database pool, auth cache and audit sink.
 */
export const api: typeof ServerApi = await import(/* webpackIgnore: true */ /* turbopackIgnore: true */ "@ociauth/api");
