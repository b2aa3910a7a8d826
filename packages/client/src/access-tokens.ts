import { postJson, type RestCallOptions } from "./rest-call";

/** What the service answers on login and renew. */
export interface AccessTokenResponse {
  accessToken: string;
  /** Seconds until the token expires; 0 = it has no expiry of its own. */
  expiresIn: number;
  accessTokenMaxTTL: number;
  tokenType: "Bearer";
}

export interface AccessToken extends AccessTokenResponse {
  /** When the token expires (computed locally from expiresIn); null when it does not expire. */
  expiresAt: Date | null;
}

export function withExpiresAt(response: AccessTokenResponse, nowMs = Date.now()): AccessToken {
  const expiresAt = response.expiresIn > 0 ? new Date(nowMs + response.expiresIn * 1000) : null;
  return { ...response, expiresAt };
}

/** `POST /api/v1/auth/token/renew`: a new expiry within the token's max TTL. */
export async function renewAccessToken(options: RestCallOptions & { accessToken: string }): Promise<AccessToken> {
  const response = await postJson<AccessTokenResponse>(options, "/api/v1/auth/token/renew", { accessToken: options.accessToken });
  return withExpiresAt(response);
}

/** `POST /api/v1/auth/token/revoke`: ends the token. */
export async function revokeAccessToken(options: RestCallOptions & { accessToken: string }): Promise<{ message: string }> {
  return postJson<{ message: string }>(options, "/api/v1/auth/token/revoke", { accessToken: options.accessToken });
}
