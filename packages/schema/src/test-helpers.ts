import { expect } from "vitest";
import { type z } from "zod";

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
