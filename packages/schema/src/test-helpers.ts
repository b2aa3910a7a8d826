import { expect } from "vitest";
import { z } from "zod";
import { restInput } from "./rest-input";

/** Parses and asserts success, returning the output. */
export function ok<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new Error(`expected success, got issues: ${JSON.stringify(result.error.issues)}`);
  }
  return result.data;
}

/** Parses and asserts failure, returning the issues reduced to `{ path, message }`. */
export function fail(schema: z.ZodType, input: unknown): { path: PropertyKey[]; message: string }[] {
  const result = schema.safeParse(input);
  if (result.success) {
    throw new Error(`expected failure, got data: ${JSON.stringify(result.data)}`);
  }
  return result.error.issues.map((issue) => ({ path: issue.path, message: issue.message }));
}

/** Parses and asserts failure, returning the raw zod issues. */
export function rawIssues(schema: z.ZodType, input: unknown): z.core.$ZodIssue[] {
  const result = schema.safeParse(input);
  expect(result.success).toBe(false);
  return result.success ? [] : result.error.issues;
}

/** The body part of an operation's input, as REST parses it: the path parameters come from the path. */
export function bodyOf<T extends z.ZodType, K extends string>(schema: T, params: Record<K, string>) {
  return z
    .preprocess((body, ctx) => {
      try {
        return restInput(body, params);
      } catch (error) {
        for (const issue of (error as z.ZodError).issues) ctx.addIssue({ ...issue, input: body } as never);
        return restInput(Object.fromEntries(Object.entries(body as object).filter(([key]) => !(key in params))), params);
      }
    }, schema)
    .transform((input: z.output<T>): Omit<z.output<T>, K> => {
      const body: Record<string, unknown> = { ...(input as object) };
      for (const name of Object.keys(params)) delete body[name];
      return body as Omit<z.output<T>, K>;
    });
}
