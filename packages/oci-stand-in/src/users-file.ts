import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { type LifecycleState, type StandInUser } from "./types.js";

const LIFECYCLE_STATES: LifecycleState[] = ["CREATING", "ACTIVE", "INACTIVE", "DELETING", "DELETED"];

/**
 * Reads a JSON array of users. Each entry takes `publicKeys` (PEM strings) and/or
 * `publicKeyPath` (a PEM file, relative to the users file).
 */
export function loadUsersFile(path: string): StandInUser[] {
  const raw: unknown = JSON.parse(readFileSync(path, "utf8"));
  if (!Array.isArray(raw)) throw new Error(`${path}: expected a JSON array of users`);
  return raw.map((entry: unknown, index) => toUser(entry, `${path}[${index}]`, dirname(path)));
}

function toUser(entry: unknown, where: string, baseDir: string): StandInUser {
  if (typeof entry !== "object" || entry === null) throw new Error(`${where}: expected an object`);
  const e = entry as Record<string, unknown>;
  const text = (name: string, required: boolean): string | undefined => {
    const value = e[name];
    if (value === undefined && !required) return undefined;
    if (typeof value !== "string" || value === "") throw new Error(`${where}.${name}: expected a non-empty string`);
    return value;
  };

  const publicKeys: string[] = [];
  if (e.publicKeys !== undefined) {
    if (!Array.isArray(e.publicKeys) || !e.publicKeys.every((k) => typeof k === "string")) {
      throw new Error(`${where}.publicKeys: expected an array of PEM strings`);
    }
    publicKeys.push(...(e.publicKeys as string[]));
  }
  const keyPath = text("publicKeyPath", false);
  if (keyPath !== undefined) publicKeys.push(readFileSync(resolve(baseDir, keyPath), "utf8"));
  if (publicKeys.length === 0) throw new Error(`${where}: needs publicKeys or publicKeyPath`);

  const lifecycleState = text("lifecycleState", false);
  if (lifecycleState !== undefined && !LIFECYCLE_STATES.includes(lifecycleState as LifecycleState)) {
    throw new Error(`${where}.lifecycleState: expected one of ${LIFECYCLE_STATES.join(", ")}`);
  }
  return {
    id: text("id", true)!,
    compartmentId: text("compartmentId", true)!,
    name: text("name", true)!,
    description: text("description", false),
    email: text("email", false),
    lifecycleState: lifecycleState as LifecycleState | undefined,
    publicKeys,
  };
}
