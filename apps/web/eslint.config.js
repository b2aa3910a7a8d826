import config from "@ociauth/eslint-config";

// public/vendor/ holds the API reference bundle copied from node_modules (scripts/copy-api-reference.mjs).
export default [{ ignores: ["public/vendor/**"] }, ...config];
