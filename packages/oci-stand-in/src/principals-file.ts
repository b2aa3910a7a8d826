import { readFileSync } from "node:fs";
import { type StandInInstance, type StandInResource } from "./types.js";

/** Reads a JSON array of instances: `{ id, compartmentId, tenancyId, region, displayName? }`. */
export function loadInstancesFile(path: string): StandInInstance[] {
  return readArray(path, "instances").map((entry, index) => {
    const field = fieldReader(entry, `${path}[${index}]`);
    return {
      id: field("id", true)!,
      compartmentId: field("compartmentId", true)!,
      tenancyId: field("tenancyId", true)!,
      region: field("region", true)!,
      displayName: field("displayName", false),
    };
  });
}

/** Reads a JSON array of resources (functions): `{ id, compartmentId, tenancyId, region, type? }`. */
export function loadFunctionsFile(path: string): StandInResource[] {
  return readArray(path, "functions").map((entry, index) => {
    const field = fieldReader(entry, `${path}[${index}]`);
    return {
      id: field("id", true)!,
      type: field("type", false),
      compartmentId: field("compartmentId", true)!,
      tenancyId: field("tenancyId", true)!,
      region: field("region", true)!,
    };
  });
}

function readArray(path: string, what: string): unknown[] {
  const raw: unknown = JSON.parse(readFileSync(path, "utf8"));
  if (!Array.isArray(raw)) throw new Error(`${path}: expected a JSON array of ${what}`);
  return raw;
}

function fieldReader(entry: unknown, where: string) {
  if (typeof entry !== "object" || entry === null) throw new Error(`${where}: expected an object`);
  const record = entry as Record<string, unknown>;
  return (name: string, required: boolean): string | undefined => {
    const value = record[name];
    if (value === undefined && !required) return undefined;
    if (typeof value !== "string" || value === "") throw new Error(`${where}.${name}: expected a non-empty string`);
    return value;
  };
}
