import type { z } from "zod";
import type { AuthedContext, ServiceContext } from "../context";

type Schema = z.ZodType;
type Out<S> = S extends Schema ? z.output<S> : undefined;

export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
}

/** One REST endpoint: a path pattern, the schemas of its parts and a thin call into a service. */
export interface RestRoute {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  path: string;
  /** OpenAPI operationId (Infisical's where it has one) and one-line summary. */
  operationId: string;
  summary: string;
  tag: string;
  auth: boolean;
  params?: Schema;
  query?: Schema;
  body?: Schema;
  response: Schema;
  handle(ctx: ServiceContext | AuthedContext, input: RouteInput<unknown, unknown, unknown>): Promise<unknown>;
}

export function defineRoute<
  P extends Schema | undefined = undefined,
  Q extends Schema | undefined = undefined,
  B extends Schema | undefined = undefined,
  A extends boolean = true,
>(route: {
  method: RestRoute["method"];
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  auth: A;
  params?: P;
  query?: Q;
  body?: B;
  response: Schema;
  handle(ctx: A extends true ? AuthedContext : ServiceContext, input: RouteInput<Out<P>, Out<Q>, Out<B>>): Promise<unknown>;
}): RestRoute {
  return route as unknown as RestRoute;
}
