import type { AuditDeliveryEvent } from "./audit-device";

/** An event as the devices receive it, its id and time made from its sequence. */
export function deliveryEvent(sequence: number, overrides: Partial<AuditDeliveryEvent> = {}): AuditDeliveryEvent {
  return {
    id: `00000000-0000-4000-8000-${String(sequence).padStart(12, "0")}`,
    organizationId: "11111111-1111-4111-8111-111111111111",
    eventType: "login-identity-oci-auth",
    actor: { type: "identity", id: "22222222-2222-4222-8222-222222222222", name: "build-bot" },
    metadata: { identityId: "22222222-2222-4222-8222-222222222222" },
    ipAddress: "10.0.0.7",
    userAgent: "ociauth-client/1.0",
    createdAt: new Date(Date.UTC(2026, 11, 8, 2, 0, 0, sequence % 1000)).toISOString(),
    eventLabel: "OCI login",
    sequence,
    ...overrides,
  };
}

/** `count` events from sequence `from` on. */
export const deliveryEvents = (from: number, count: number) => Array.from({ length: count }, (_, i) => deliveryEvent(from + i));
