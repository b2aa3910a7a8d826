import type { AuditEvent } from "@ociauth/schema";
import { describe, expect, it } from "vitest";
import { auditExportFileName, csvField, formatAuditExport } from "./audit-export-fns";

const event = (over: Partial<AuditEvent> = {}): AuditEvent => ({
  id: "e1",
  organizationId: "o1",
  eventType: "update-identity",
  actor: { type: "user", id: "u1", name: "admin@example.com" },
  metadata: { identityId: "i1", name: 'ci, "prod"' },
  ipAddress: "10.0.0.1",
  userAgent: "curl/8",
  createdAt: "2026-12-03T10:00:00.000Z",
  ...over,
});

/** A small RFC 4180 reader, to check that what we write reads back as the same fields. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  const endField = () => {
    row.push(field);
    field = "";
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") endField();
    else if (c === "\r" && text[i + 1] === "\n") {
      endField();
      rows.push(row);
      row = [];
      i++;
    } else field += c;
  }
  return rows;
}

describe("csvField", () => {
  it("quotes commas, quotes and line breaks, doubling quotes", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
    expect(csvField(null)).toBe("");
  });

  it("keeps spreadsheets from evaluating formulas", () => {
    expect(csvField("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvField("@cmd")).toBe("'@cmd");
    expect(csvField("+1,2")).toBe('"\'+1,2"');
  });
});

describe("formatAuditExport", () => {
  it("CSV: a header, one row per event that reads back field by field", () => {
    const text = formatAuditExport(
      [event(), event({ id: "e2", userAgent: "multi\r\nline", actor: { type: "anonymous", id: null, name: null } })],
      "csv",
    );
    const rows = parseCsv(text);
    expect(rows[0]).toEqual([
      "createdAt",
      "eventType",
      "event",
      "actorType",
      "actorId",
      "actorName",
      "identityId",
      "ipAddress",
      "userAgent",
      "metadata",
      "id",
    ]);
    expect(rows[1]).toEqual([
      "2026-12-03T10:00:00.000Z",
      "update-identity",
      "Identity updated",
      "user",
      "u1",
      "admin@example.com",
      "i1",
      "10.0.0.1",
      "curl/8",
      JSON.stringify({ identityId: "i1", name: 'ci, "prod"' }),
      "e1",
    ]);
    expect(rows[2]![4]).toBe("");
    expect(rows[2]![8]).toBe("multi\r\nline");
    expect(rows).toHaveLength(3);
  });

  it("JSON lines: one parseable object per line, with the label", () => {
    const text = formatAuditExport([event(), event({ id: "e2" })], "jsonl");
    const lines = text.split("\n");
    expect(lines.at(-1)).toBe("");
    expect(lines.slice(0, -1).map((line) => JSON.parse(line))).toEqual([
      { ...event(), eventLabel: "Identity updated" },
      { ...event({ id: "e2" }), eventLabel: "Identity updated" },
    ]);
    expect(formatAuditExport([], "jsonl")).toBe("");
    expect(formatAuditExport([], "csv").split("\r\n")).toHaveLength(2);
  });

  it("names the file after the moment of export", () => {
    expect(auditExportFileName("csv", new Date("2026-12-03T10:15:00.123Z"))).toBe("audit-log-20261203T101500Z.csv");
  });
});
