import { type CertificateAuthority, type InstanceIdentity } from "./certificate-authority.js";
import { assertOcidInRegion } from "./region-codes.js";
import { type StandInInstance } from "./types.js";

interface InstanceEntry {
  instance: StandInInstance;
  timeCreated: string;
  identity?: InstanceIdentity;
}

/** The stand-in's instances; each gets its identity certificate on first request. */
export class InstanceRegistry {
  private readonly entries = new Map<string, InstanceEntry>();

  constructor(private readonly authority: CertificateAuthority) {}

  add(instance: StandInInstance): void {
    assertOcidInRegion(instance.id, instance.region);
    this.entries.set(instance.id, { instance: { ...instance }, timeCreated: new Date().toISOString() });
  }

  get(id: string): StandInInstance | undefined {
    return this.entries.get(id)?.instance;
  }

  /** The default instance of `/opc/v2/`: the first one added. */
  first(): StandInInstance | undefined {
    return this.entries.values().next().value?.instance;
  }

  timeCreated(id: string): string | undefined {
    return this.entries.get(id)?.timeCreated;
  }

  identity(id: string): InstanceIdentity | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    entry.identity ??= this.authority.issueInstanceIdentity(entry.instance);
    return entry.identity;
  }
}
