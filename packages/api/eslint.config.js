export { default } from "@ociauth/eslint-config";
