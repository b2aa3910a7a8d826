import { type DirectoryEntry } from "./user-directory.js";

/** The `User` model OCI's GetUser returns (oci-identity `lib/model/user.d.ts`). */
export function ociUserBody({ user, timeCreated }: DirectoryEntry): Record<string, unknown> {
  return {
    id: user.id,
    compartmentId: user.compartmentId,
    name: user.name,
    description: user.description ?? user.name,
    email: user.email ?? null,
    emailVerified: user.email !== undefined,
    identityProviderId: null,
    externalIdentifier: null,
    timeCreated,
    lifecycleState: user.lifecycleState ?? "ACTIVE",
    inactiveStatus: null,
    freeformTags: {},
    definedTags: {},
    capabilities: {
      canUseConsolePassword: true,
      canUseApiKeys: true,
      canUseAuthTokens: true,
      canUseSmtpCredentials: true,
      canUseDbCredentials: true,
      canUseCustomerSecretKeys: true,
      canUseOAuth2ClientCredentials: true,
    },
    isMfaActivated: false,
    lastSuccessfulLoginTime: null,
    previousSuccessfulLoginTime: null,
  };
}
