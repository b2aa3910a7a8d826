export { createOciAuthClient, type OciAuthClient, type OciAuthClientOptions } from "./create-client";
export { OciAuthError } from "./errors";
