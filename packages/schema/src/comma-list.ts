import { z } from "zod";

/** Splits a comma-separated list, trimming entries and dropping empty ones. */
export function splitCommaList(value: string): string[] {
  return value
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
}

export interface CommaListRules {
  /** How the field is named in messages, e.g. "Allowed regions". */
  label: string;
  maxLength: number;
  tooLongMessage: string;
  /** Every entry must match it. */
  entryPattern: RegExp;
  /** The message when an entry does not match (a function gets the first bad entry). */
  invalidMessage: string | ((entry: string) => string);
  description: string;
  example: string;
}

/**
 * A comma-separated allow-list stored as text: string or null; trimmed; at most `maxLength`
 * characters; each entry must match `entryPattern`. Normalised to its entries joined
 * with ", ", or null when nothing remains (null means "no restriction").
 */
export function commaListSchema(rules: CommaListRules) {
  const firstInvalid = (value: string) => splitCommaList(value).find((entry) => !rules.entryPattern.test(entry));
  return z
    .string({ error: (issue) => (issue.input === undefined ? `${rules.label} is required` : `${rules.label} must be text or null`) })
    .trim()
    .max(rules.maxLength, rules.tooLongMessage)
    .superRefine((value, ctx) => {
      const bad = firstInvalid(value);
      if (bad === undefined) return;
      const message = typeof rules.invalidMessage === "function" ? rules.invalidMessage(bad) : rules.invalidMessage;
      ctx.addIssue({ code: "custom", message });
    })
    .nullable()
    .transform((value) => {
      if (value === null) return null;
      const entries = splitCommaList(value);
      return entries.length > 0 ? entries.join(", ") : null;
    })
    .meta({ description: rules.description, example: rules.example });
}
