import { createPublicKey } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { type AddressInfo } from "node:net";
import { type RouteAnswer } from "./answer.js";
import { answerAuthenticateClient } from "./authenticate-client.js";
import { CertificateAuthority } from "./certificate-authority.js";
import { answerX509Federation } from "./federation.js";
import { InjectedFailures } from "./injected-failures.js";
import { answerInstanceMetadata, isInstanceMetadataPath } from "./instance-metadata.js";
import { InstanceRegistry } from "./instance-registry.js";
import { ociUserBody } from "./oci-user-body.js";
import { etagOf, opcRequestId, sendOciError, sendOciJson, type OciErrorCode } from "./oci-response.js";
import { MAX_BODY_BYTES, readBody } from "./request-body.js";
import { SecurityTokens } from "./security-tokens.js";
import { type FailableEndpoint, type OciStandIn, type OciStandInOptions, type RecordedRequest } from "./types.js";
import { UserDirectory } from "./user-directory.js";
import { flattenHeaders } from "./verify-signed-headers.js";
import { verifyOciSignature } from "./verify-signature.js";

const USER_PATH = /^\/20160918\/users\/([^/]+)$/;
const NOT_PROVIDED = "The required information to complete authentication was not provided.";
const NOT_PROVIDED_OR_INCORRECT = "The required information to complete authentication was not provided or was incorrect.";
const NOT_FOUND = "Authorization failed or requested resource not found.";
const POST_ROUTES: Record<string, FailableEndpoint> = {
  "/v1/x509": "x509",
  "/v1/authentication/authenticateClient": "authenticateClient",
};

interface Context {
  users: UserDirectory;
  instances: InstanceRegistry;
  authority: CertificateAuthority;
  tokens: SecurityTokens;
  failures: InjectedFailures;
  clockSkewSeconds: number;
  responseDelayMs: number;
  requests: RecordedRequest[];
  log: (line: string) => void;
}

/**
 * Starts a local stand-in for the OCI services a workload login touches: identity GetUser,
 * the instance metadata service, X.509 federation and authenticateClient.
 */
export async function startOciStandIn(options: OciStandInOptions = {}): Promise<OciStandIn> {
  const host = options.host ?? "127.0.0.1";
  const authority = new CertificateAuthority();
  const context: Context = {
    users: new UserDirectory(),
    instances: new InstanceRegistry(authority),
    authority,
    tokens: new SecurityTokens(options.tokenLifetimeSeconds ?? 1200),
    failures: new InjectedFailures(),
    clockSkewSeconds: options.clockSkewSeconds ?? 300,
    responseDelayMs: checkDelay(options.responseDelayMs ?? 0),
    requests: [],
    log: options.log ?? (() => {}),
  };
  for (const user of options.users ?? []) context.users.add(user);
  for (const instance of options.instances ?? []) context.instances.add(instance);

  const server = createServer((req, res) => {
    handleRequest(req, res, context).catch((error: unknown) => {
      context.log(`${req.method} ${req.url} 500: ${(error as Error).message}`);
      if (!res.headersSent) sendOciError(res, 500, "InternalServerError", "Internal error occurred.", opcRequestId(req));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  const url = `http://${urlHost}:${port}`;

  return {
    url,
    port,
    addUser: (user) => context.users.add(user),
    addInstance: (instance) => context.instances.add(instance),
    instanceMetadataUrl: (instanceId) => `${url}/imds/${encodeURIComponent(instanceId)}/opc/v2/`,
    issueResourcePrincipalToken: (resource, sessionPublicKeyPem, tokenOptions) =>
      context.tokens.resourceToken(resource, createPublicKey(sessionPublicKeyPem), tokenOptions?.expiresAt),
    setResponseDelay: (ms) => {
      context.responseDelayMs = checkDelay(ms);
    },
    injectFailure: (failure) => context.failures.add(failure),
    intermediateCertificatePem: authority.intermediatePem,
    tokenSigningPublicKeyPem: context.tokens.publicKeyPem,
    requests: context.requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function handleRequest(req: IncomingMessage, res: ServerResponse, context: Context): Promise<void> {
  const method = req.method ?? "GET";
  const url = req.url ?? "/";
  const path = url.split("?")[0] ?? "";
  const record: RecordedRequest = { method, url, headers: { ...req.headers } };
  context.requests.push(record);
  const requestId = opcRequestId(req);
  // Recorded first, so a test sees a held request as arrived.
  if (context.responseDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, context.responseDelayMs));
  const finish = (status: number, reason?: string, code?: OciErrorCode) => {
    record.status = status;
    if (reason !== undefined) record.reason = reason;
    context.log(`${method} ${url} ${status}${code === undefined ? "" : ` ${code}`}${reason === undefined ? "" : `: ${reason}`}`);
  };
  const fail = (status: number, code: OciErrorCode, message: string, reason: string, headers?: Record<string, string>) => {
    finish(status, reason, code);
    sendOciError(res, status, code, message, requestId, headers);
  };
  const send = (answer: RouteAnswer) => {
    if (answer.kind === "error") return fail(answer.status, answer.code, answer.message, answer.reason);
    finish(answer.status, answer.reason);
    sendOciJson(res, answer.status, requestId, answer.body);
  };

  if (isInstanceMetadataPath(path)) {
    req.resume();
    const answer = answerInstanceMetadata(req, path, context.instances, context.authority);
    finish(answer.status, answer.reason);
    res.writeHead(answer.status, { "content-type": answer.contentType, "content-length": Buffer.byteLength(answer.body) });
    res.end(answer.body);
    return;
  }

  const endpoint = POST_ROUTES[path];
  if (endpoint) {
    if (method !== "POST") {
      req.resume();
      return fail(405, "MethodNotAllowed", `Method ${method} not allowed.`, "only POST is served", { allow: "POST" });
    }
    const body = await readBody(req);
    if (body) record.body = body.toString("utf8");
    const injected = context.failures.take(endpoint);
    if (injected) {
      if (injected.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, injected.delayMs));
      return send(injected.answer);
    }
    if (!body) return fail(400, "InvalidParameter", `The request body must be at most ${MAX_BODY_BYTES} bytes.`, "body too large");
    const view = { method, url, headers: flattenHeaders(req.headers) };
    return send(endpoint === "x509" ? answerX509Federation(view, body, context) : answerAuthenticateClient(view, body, context));
  }

  req.resume();
  const match = USER_PATH.exec(path);
  if (!match) return fail(404, "NotAuthorizedOrNotFound", NOT_FOUND, "no such path");
  if (method !== "GET") {
    return fail(405, "MethodNotAllowed", `Method ${method} not allowed.`, "only GET is served", { allow: "GET" });
  }

  const verified = verifyOciSignature(req, context.users, context.clockSkewSeconds);
  if (!verified.ok) {
    const message = verified.missingAuthorization ? NOT_PROVIDED : NOT_PROVIDED_OR_INCORRECT;
    return fail(401, "NotAuthenticated", message, verified.reason);
  }

  const targetId = safeDecode(match[1] ?? "");
  const target = targetId === undefined ? undefined : context.users.get(targetId);
  if (!target) return fail(404, "NotAuthorizedOrNotFound", NOT_FOUND, `unknown user ${targetId ?? match[1]}`);
  // Simplification of OCI policies: any user may read the users of its own tenancy.
  if (target.user.compartmentId !== verified.signer.user.compartmentId) {
    return fail(404, "NotAuthorizedOrNotFound", NOT_FOUND, `signer ${verified.signer.user.id} is in another tenancy`);
  }

  const body = ociUserBody(target);
  finish(200);
  sendOciJson(res, 200, requestId, body, { etag: etagOf(body) });
}

function checkDelay(ms: number): number {
  if (!Number.isInteger(ms) || ms < 0) throw new Error(`the response delay must be a whole number of milliseconds, at least 0 (got ${ms})`);
  return ms;
}

function safeDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}
