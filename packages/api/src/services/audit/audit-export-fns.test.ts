import type { AuditEvent } from "@ociauth/schema";
import { describe, expect, it } from "vitest";
import { auditExportChunks, auditExportFileName, auditExportHeader, csvField, formatAuditRows } from "./audit-export-fns";

/** A whole export of these events, as one text. */
const formatAuditExport = (events: AuditEvent[], format: "csv" | "jsonl") => auditExportHeader(format) + formatAuditRows(events, format);

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

  it("also behind zero-width characters, and in full-width form", () => {
    for (const start of ["\u200B", "\u200C", "\u200D", "\u2060", "\uFEFF", "\u200B\uFEFF"]) {
      expect(csvField(`${start}=HYPERLINK(1)`)).toBe(`'${start}=HYPERLINK(1)`);
    }
    for (const formula of ["＝1+1", "＋1", "－1", "＠cmd", "\u200B＝1"]) expect(csvField(formula)).toBe(`'${formula}`);
    expect(csvField("\u200Bplain")).toBe("\u200Bplain");
    expect(csvField("a=b")).toBe("a=b");
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

  it("JSON lines: U+2028, U+2029 and U+0085 are escaped, so every line splitter sees one event per line", () => {
    const names = "a\u2028b\u2029c\u0085d";
    const text = formatAuditExport(
      [event({ actor: { type: "user", id: "u1", name: names }, metadata: { name: names } }), event()],
      "jsonl",
    );
    expect(text).not.toMatch(/[\u2028\u2029\u0085]/);
    // Python's str.splitlines (the file separators U+001C–U+001E cannot occur: JSON escapes them).
    expect(text.split(/\r\n|[\n\r\v\f\u0085\u2028\u2029]/)).toHaveLength(3);
    expect(text.split(/\r\n|[\n\r\u2028\u2029]/)).toHaveLength(3); // JavaScript's line terminators
    const [first] = text.split("\n").map((line) => (line ? JSON.parse(line) : null));
    expect(first.actor.name).toBe(names);
    expect(first.metadata.name).toBe(names);
  });

  it("chunks: the header first, then one chunk per page, read only as asked for", async () => {
    let pagesRead = 0;
    async function* pages() {
      for (const id of ["e1", "e2", "e3"]) {
        pagesRead++;
        yield [event({ id })];
      }
    }
    const chunks = auditExportChunks(pages(), "csv");
    expect((await chunks.next()).value).toBe(auditExportHeader("csv"));
    expect(pagesRead).toBe(0);
    expect((await chunks.next()).value).toContain(",e1\r\n");
    expect(pagesRead).toBe(1);
    const rest: string[] = [];
    for await (const chunk of chunks) rest.push(chunk);
    expect(rest.map((chunk) => chunk.slice(-4, -2))).toEqual(["e2", "e3"]);
    const jsonl: string[] = [];
    for await (const chunk of auditExportChunks(pages(), "jsonl")) jsonl.push(chunk);
    expect(jsonl.map((line) => JSON.parse(line).id)).toEqual(["e1", "e2", "e3"]);
  });

  it("names the file after the moment of export", () => {
    expect(auditExportFileName("csv", new Date("2026-12-03T10:15:00.123Z"))).toBe("audit-log-20261203T101500Z.csv");
  });
});
