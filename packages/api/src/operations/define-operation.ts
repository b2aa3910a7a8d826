import { TRPC_CALL_WEIGHT } from "@ociauth/schema";
import { z } from "zod";
import type { AuthedContext, ServiceContext } from "../core/context";
import type { AppErrorCode } from "../core/errors";

/**
 * `query` and `mutation` are served by tRPC and, with a `rest` binding, by REST. A `stream`
 * operation is REST only: its handler checks everything and returns a FileStream whose chunks are
 * produced while they are sent (exports), so no transport ever holds its whole answer.
 */
export type OperationKind = "query" | "mutation" | "stream";
export type HttpMethod = "GET" | "POST" | "PATCH" | "DELETE";

/** The context a handler gets: authenticated operations know their actor. */
export type ContextFor<TAuth extends boolean> = TAuth extends true ? AuthedContext : ServiceContext;
/** What a handler receives: the parsed input, or nothing for an operation without one. */
export type InputOf<TInput> = TInput extends z.ZodType ? z.output<TInput> : undefined;

/**
 * Where an operation is on the Infisical-compatible REST API. `:name` segments of the path are
 * fields of the operation's input; the rest of the input is the JSON body (POST, PATCH) or the
 * query string (GET). DELETE takes its input from the path only.
 */
export interface RestBinding<TResult = unknown> {
  method: HttpMethod;
  path: string;
  /** OpenAPI operationId (Infisical's where it has one), one-line summary and tag. */
  operationId: string;
  /**
   * Further paths that serve the same operation (same method, same `:name` fields), each with its
   * own OpenAPI operationId: e.g. Infisical's path for an operation this API also serves elsewhere.
   */
  aliases?: { path: string; operationId: string }[];
  summary: string;
  tag: string;
  /**
   * Errors this operation answers besides those every operation of its kind answers (the OpenAPI
   * document lists both, see openapi-document.ts): e.g. RATE_LIMITED for a rate-limited operation,
   * BAD_GATEWAY for one that calls OCI, UNAUTHORIZED for a public one that checks credentials.
   */
  errors?: AppErrorCode[];
  /**
   * REST answers in Infisical's shape where it differs from ours (identities): the schema of that
   * shape and the pure function that maps the handler's result to it.
   */
  view?: { response: z.ZodType; present(result: TResult): unknown };
  /**
   * REST answers with a file streamed from the handler's FileStream (the operations of kind
   * `stream`): its content type and the name a browser saves it under (content-disposition:
   * attachment). `mediaTypes` names the content types it may answer with, for the OpenAPI document.
   */
  stream?: { mediaTypes: string };
  /**
   * The body may also be `application/x-www-form-urlencoded` (RFC 7662 introspection): each
   * parameter once, its value a string, so forms suit operations whose fields are all text.
   */
  formBody?: boolean;
}

/**
 * A file produced while it is sent: the front door writes each chunk to the socket and asks for
 * the next one only when the socket has taken it (back-pressure), and stops asking when the
 * client goes away.
 */
export interface FileStream {
  contentType: string;
  fileName: string;
  chunks: AsyncIterable<string>;
}

/** The output schema of `stream` operations: their result is not a wire shape, only a FileStream for REST. */
export const fileStreamSchema = z.custom<FileStream>((value) => typeof value === "object" && value !== null && "chunks" in value);

/** One operation: its schemas, whether it needs a caller, its service function and where REST serves it. */
export interface Operation<
  TInput extends z.ZodType | undefined = z.ZodType | undefined,
  TOutput extends z.ZodType = z.ZodType,
  TAuth extends boolean = boolean,
  TKind extends OperationKind = OperationKind,
  TResult = unknown,
> {
  kind: TKind;
  auth: TAuth;
  input: TInput;
  output: TOutput;
  handler(ctx: ContextFor<TAuth>, input: InputOf<TInput>): Promise<TResult>;
  rest?: RestBinding<TResult>;
  /** What one call costs against a tRPC batch's budget (TRPC_CALL_WEIGHT; plain reads and writes weigh `standard`). */
  weight: number;
}

// The table holds operations of every shape; `any` here only widens the handler's parameters.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyOperation = Operation<any, any, any, any, any>;

export function defineOperation<
  TOutput extends z.ZodType,
  TAuth extends boolean,
  TKind extends OperationKind,
  TResult extends z.input<TOutput>,
  TInput extends z.ZodType | undefined = undefined,
>(operation: {
  kind: TKind;
  auth: TAuth;
  input?: TInput;
  output: TOutput;
  handler(ctx: ContextFor<TAuth>, input: InputOf<TInput>): Promise<TResult>;
  rest?: RestBinding<TResult>;
  /** Lists and searches, logins and password checks weigh more in a tRPC batch (TRPC_CALL_WEIGHT). */
  weight?: number;
}): Operation<TInput, TOutput, TAuth, TKind, TResult> {
  const { handler } = operation;
  return {
    ...operation,
    // Logins and changes are refused (503) while a required audit device cannot record them; reads go on.
    handler:
      operation.kind === "mutation"
        ? (ctx, input) => {
            ctx.rt.auditDevices.assertCanRecord();
            return handler(ctx, input);
          }
        : handler,
    input: operation.input as TInput,
    weight: operation.weight ?? TRPC_CALL_WEIGHT.standard,
  };
}
