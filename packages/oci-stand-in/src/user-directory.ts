import { ociFingerprint } from "./fingerprint.js";
import { type StandInUser } from "./types.js";

export interface DirectoryEntry {
  user: StandInUser;
  /** Public key PEMs by OCI fingerprint. */
  keys: Map<string, string>;
  timeCreated: string;
}

/** The stand-in's users, with key fingerprints computed once on insert. */
export class UserDirectory {
  private readonly entries = new Map<string, DirectoryEntry>();

  add(user: StandInUser): void {
    const keys = new Map(user.publicKeys.map((pem) => [ociFingerprint(pem), pem] as const));
    this.entries.set(user.id, { user: { ...user, publicKeys: [...user.publicKeys] }, keys, timeCreated: new Date().toISOString() });
  }

  get(id: string): DirectoryEntry | undefined {
    return this.entries.get(id);
  }
}
