import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** One span as the receiver decoded it (ids in hex, attributes flattened to their values). */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** OTLP's SpanKind: 2 server, 3 client. */
  kind: number;
  attributes: Record<string, string | number | boolean>;
  /** OTLP's StatusCode: 0 unset, 1 ok, 2 error. */
  statusCode: number;
  resource: Record<string, string | number | boolean>;
}

export interface OtlpReceiver {
  url: string;
  spans: ReceivedSpan[];
  /** Content types of the exports received. */
  contentTypes: string[];
  close(): Promise<void>;
}

/** A minimal OTLP/HTTP trace receiver: POST /v1/traces in protobuf or JSON, decoded. */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const contentTypes: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const type = req.headers["content-type"] ?? "";
      if (req.method !== "POST" || req.url !== "/v1/traces") return void res.writeHead(404).end();
      contentTypes.push(type);
      spans.push(...(type.startsWith("application/json") ? decodeJson(JSON.parse(body.toString("utf8"))) : decodeProtobuf(body)));
      if (type.startsWith("application/json")) res.writeHead(200, { "content-type": "application/json" }).end("{}");
      else res.writeHead(200, { "content-type": "application/x-protobuf" }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    contentTypes,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ---- protobuf (opentelemetry/proto/collector/trace/v1 ExportTraceServiceRequest), the fields read here ----

type Field = { no: number; varint?: bigint; bytes?: Uint8Array };

function fieldsOf(buf: Uint8Array): Field[] {
  const fields: Field[] = [];
  let at = 0;
  const varint = () => {
    let value = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const byte = buf[at++]!;
      value |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return value;
    }
  };
  while (at < buf.length) {
    const key = Number(varint());
    const no = key >>> 3;
    switch (key & 7) {
      case 0:
        fields.push({ no, varint: varint() });
        break;
      case 1:
        fields.push({ no, bytes: buf.subarray(at, at + 8) });
        at += 8;
        break;
      case 2: {
        const length = Number(varint());
        fields.push({ no, bytes: buf.subarray(at, at + length) });
        at += length;
        break;
      }
      case 5:
        fields.push({ no, bytes: buf.subarray(at, at + 4) });
        at += 4;
        break;
      default:
        throw new Error(`unexpected wire type ${key & 7}`);
    }
  }
  return fields;
}

const text = (bytes: Uint8Array | undefined) => Buffer.from(bytes ?? []).toString("utf8");
const hex = (bytes: Uint8Array | undefined) => Buffer.from(bytes ?? []).toString("hex");

function anyValue(buf: Uint8Array): string | number | boolean {
  const [field] = fieldsOf(buf);
  if (!field) return "";
  if (field.no === 1) return text(field.bytes);
  if (field.no === 2) return field.varint === 1n;
  if (field.no === 3) return Number(BigInt.asIntN(64, field.varint!));
  if (field.no === 4) return Buffer.from(field.bytes!).readDoubleLE(0);
  return `(field ${field.no})`;
}

function keyValues(fields: Field[], no: number): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const f of fields.filter((x) => x.no === no)) {
    const kv = fieldsOf(f.bytes!);
    out[text(kv.find((x) => x.no === 1)?.bytes)] = anyValue(kv.find((x) => x.no === 2)?.bytes ?? new Uint8Array());
  }
  return out;
}

export function decodeProtobuf(body: Uint8Array): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const resourceSpans of fieldsOf(body).filter((f) => f.no === 1)) {
    const rs = fieldsOf(resourceSpans.bytes!);
    const resourceField = rs.find((f) => f.no === 1);
    const resource = resourceField ? keyValues(fieldsOf(resourceField.bytes!), 1) : {};
    for (const scopeSpans of rs.filter((f) => f.no === 2)) {
      for (const spanField of fieldsOf(scopeSpans.bytes!).filter((f) => f.no === 2)) {
        const s = fieldsOf(spanField.bytes!);
        const status = s.find((f) => f.no === 15);
        spans.push({
          traceId: hex(s.find((f) => f.no === 1)?.bytes),
          spanId: hex(s.find((f) => f.no === 2)?.bytes),
          parentSpanId: hex(s.find((f) => f.no === 4)?.bytes),
          name: text(s.find((f) => f.no === 5)?.bytes),
          kind: Number(s.find((f) => f.no === 6)?.varint ?? 0n),
          attributes: keyValues(s, 9),
          statusCode: status ? Number(fieldsOf(status.bytes!).find((f) => f.no === 3)?.varint ?? 0n) : 0,
          resource,
        });
      }
    }
  }
  return spans;
}

// ---- JSON (OTLP/JSON: ids in hex, enums as numbers) ----

type JsonAttribute = { key: string; value: Record<string, unknown> };

const jsonAttributes = (list: JsonAttribute[] | undefined) =>
  Object.fromEntries(
    (list ?? []).map(({ key, value }) => {
      const v = value.stringValue ?? value.boolValue ?? value.doubleValue ?? (value.intValue === undefined ? "" : Number(value.intValue));
      return [key, v as string | number | boolean];
    }),
  );

export function decodeJson(body: {
  resourceSpans?: { resource?: { attributes?: JsonAttribute[] }; scopeSpans?: { spans?: Record<string, unknown>[] }[] }[];
}): ReceivedSpan[] {
  return (body.resourceSpans ?? []).flatMap((rs) =>
    (rs.scopeSpans ?? []).flatMap((ss) =>
      (ss.spans ?? []).map((s) => ({
        traceId: String(s.traceId),
        spanId: String(s.spanId),
        parentSpanId: String(s.parentSpanId ?? ""),
        name: String(s.name),
        kind: Number(s.kind),
        attributes: jsonAttributes(s.attributes as JsonAttribute[]),
        statusCode: Number((s.status as { code?: number } | undefined)?.code ?? 0),
        resource: jsonAttributes(rs.resource?.attributes),
      })),
    ),
  );
}
