import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { type AddressInfo } from "node:net";
import { ociUserBody } from "./oci-user-body.js";
import { etagOf, opcRequestId, sendOciError, sendOciJson, type OciErrorCode } from "./oci-response.js";
import { type OciStandIn, type OciStandInOptions, type RecordedRequest } from "./types.js";
import { UserDirectory } from "./user-directory.js";
import { verifyOciSignature } from "./verify-signature.js";

const USER_PATH = /^\/20160918\/users\/([^/]+)$/;
const NOT_PROVIDED = "The required information to complete authentication was not provided.";
const NOT_PROVIDED_OR_INCORRECT = "The required information to complete authentication was not provided or was incorrect.";
const NOT_FOUND = "Authorization failed or requested resource not found.";

interface Context {
  users: UserDirectory;
  clockSkewSeconds: number;
  requests: RecordedRequest[];
  log: (line: string) => void;
}

/** Starts a local stand-in for OCI's identity GetUser endpoint. */
export async function startOciStandIn(options: OciStandInOptions = {}): Promise<OciStandIn> {
  const host = options.host ?? "127.0.0.1";
  const users = new UserDirectory();
  for (const user of options.users ?? []) users.add(user);
  const context: Context = {
    users,
    clockSkewSeconds: options.clockSkewSeconds ?? 300,
    requests: [],
    log: options.log ?? (() => {}),
  };

  const server = createServer((req, res) => handleRequest(req, res, context));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(":") ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}`,
    port,
    addUser: (user) => users.add(user),
    requests: context.requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function handleRequest(req: IncomingMessage, res: ServerResponse, context: Context): void {
  const method = req.method ?? "GET";
  const url = req.url ?? "/";
  const record: RecordedRequest = { method, url, headers: { ...req.headers } };
  context.requests.push(record);
  const requestId = opcRequestId(req);
  req.resume();

  const fail = (status: number, code: OciErrorCode, message: string, reason: string, headers?: Record<string, string>) => {
    record.status = status;
    record.reason = reason;
    context.log(`${method} ${url} ${status} ${code}: ${reason}`);
    sendOciError(res, status, code, message, requestId, headers);
  };

  const match = USER_PATH.exec(url.split("?")[0] ?? "");
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
  record.status = 200;
  context.log(`${method} ${url} 200`);
  sendOciJson(res, 200, requestId, body, { etag: etagOf(body) });
}

function safeDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}
