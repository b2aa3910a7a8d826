import { operationList } from "../operations";
import type { AnyOperation, RestBinding } from "../operations/define-operation";

/** An operation the REST API serves, with its path split for matching. */
export interface RestRoute {
  /** The operation's tRPC name (`group.name`). */
  name: string;
  operation: AnyOperation;
  rest: RestBinding;
  /** The path this route matches: the binding's own or one of its aliases. */
  path: string;
  operationId: string;
  segments: string[];
  /** Names of the `:param` segments: fields of the input taken from the path. */
  pathParams: string[];
}

export const restRoutes: RestRoute[] = operationList.flatMap(({ name, operation }) => {
  const rest: RestBinding | undefined = operation.rest;
  if (!rest) return [];
  return [{ path: rest.path, operationId: rest.operationId }, ...(rest.aliases ?? [])].map(({ path, operationId }) => {
    const segments = path.split("/");
    const pathParams = segments.filter((segment) => segment.startsWith(":")).map((segment) => segment.slice(1));
    return { name, operation, rest, path, operationId, segments, pathParams };
  });
});

/**
 * The order requests are matched in: fewer `:param` segments first (otherwise the table's order),
 * so a fixed path wins over a template that also matches it: GET /api/v1/identities/details is
 * not GET /api/v1/identities/:identityId with identityId "details".
 */
export const restRoutesInMatchOrder: RestRoute[] = [...restRoutes].sort((a, b) => a.pathParams.length - b.pathParams.length);

/** Where the rest of the input comes from besides the path. */
export function inputSource(method: RestBinding["method"]): "body" | "query" | "none" {
  if (method === "GET") return "query";
  return method === "DELETE" ? "none" : "body";
}
