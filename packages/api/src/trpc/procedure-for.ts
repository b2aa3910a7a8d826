import type { TRPCMutationProcedure, TRPCQueryProcedure } from "@trpc/server";
import type { z } from "zod";
import { authedProcedure, publicProcedure } from "./init";
import type { AnyOperation, Operation } from "../operations/define-operation";

type ProcedureDef<TInput, TOutput extends z.ZodType> = {
  input: TInput extends z.ZodType ? z.input<TInput> : void;
  output: z.output<TOutput>;
  meta: object;
};

/** The tRPC procedure type of an operation: query or mutation, its input and output. */
export type ProcedureFor<TOperation> =
  TOperation extends Operation<infer TInput, infer TOutput, boolean, infer TKind, unknown>
    ? TKind extends "query"
      ? TRPCQueryProcedure<ProcedureDef<TInput, TOutput>>
      : TRPCMutationProcedure<ProcedureDef<TInput, TOutput>>
    : never;

/** The procedures of an operation table, grouped as the table is (`group.name`); `stream` operations are REST only. */
export type ProceduresFor<TTable extends Record<string, Record<string, AnyOperation>>> = {
  [G in keyof TTable]: { [N in keyof TTable[G] as TTable[G][N] extends { kind: "stream" } ? never : N]: ProcedureFor<TTable[G][N]> };
};

/** One operation as a tRPC procedure: authenticated or public, its schemas, its handler. */
export function procedureFor<TOperation extends AnyOperation>(operation: TOperation): ProcedureFor<TOperation> {
  const base = operation.auth ? authedProcedure : publicProcedure;
  const withSchemas = (operation.input ? base.input(operation.input) : base).output(operation.output);
  const resolve = ({ ctx, input }: { ctx: unknown; input: unknown }) => operation.handler(ctx as never, input);
  // tRPC infers the procedure type from the schemas; this operation's type says the same, statically.
  const procedure: unknown = operation.kind === "query" ? withSchemas.query(resolve) : withSchemas.mutation(resolve);
  return procedure as ProcedureFor<TOperation>;
}

export function proceduresFor<TTable extends Record<string, Record<string, AnyOperation>>>(table: TTable): ProceduresFor<TTable> {
  const groups = Object.entries(table).map(([group, members]) => [
    group,
    Object.fromEntries(
      Object.entries(members)
        .filter(([, operation]) => operation.kind !== "stream")
        .map(([name, operation]) => [name, procedureFor(operation)]),
    ),
  ]);
  return Object.fromEntries(groups) as ProceduresFor<TTable>;
}
