import { type AccessToken, renewAccessToken, revokeAccessToken } from "./access-tokens";
import { loginWithOci, type OciLoginOptions } from "./oci-login";

export interface OciSessionOptions {
  /** Refresh this many seconds before expiry (default 60; at most half the token's lifetime). */
  refreshBeforeSeconds?: number;
  /**
   * Extend the token with POST /api/v1/auth/token/renew before logging in again (default true for
   * the user login; false for principal logins, which prove the principal again with a new challenge).
   */
  renew?: boolean;
  /** Revoke the current token on close() (default false). */
  revokeOnClose?: boolean;
  /** Clock in milliseconds (default Date.now); tests move it instead of sleeping. */
  now?: () => number;
}

export interface OciSession {
  /** A valid access token: cached, renewed or obtained by a fresh login as needed. */
  getToken(): Promise<string>;
  /** Forget the cached token (e.g. after the service rejected it); the next getToken logs in. */
  invalidate(): void;
  /** Stop the session: getToken rejects afterwards. With revokeOnClose, revokes the token (best effort). */
  close(): Promise<void>;
}

interface CachedToken {
  accessToken: string;
  expiresAtMs: number;
  refreshAtMs: number;
}

/** After a failed refresh while the old token is still valid, wait this long before retrying. */
const RETRY_AFTER_FAILURE_MS = 5_000;

/**
 * Keeps a valid OCI-login access token for a long-running service. Lazy (no timers), and
 * single-flight: concurrent getToken() calls during a refresh share one HTTP request.
 * Plug it into the typed client: `createOciAuthClient({ url, getToken: session.getToken })`.
 */
export function createOciSession(login: OciLoginOptions, options: OciSessionOptions = {}): OciSession {
  const now = options.now ?? Date.now;
  const refreshBeforeMs = (options.refreshBeforeSeconds ?? 60) * 1000;
  const renew = options.renew ?? login.principal === undefined;
  let current: CachedToken | undefined;
  let refreshing: Promise<string> | undefined;
  let closed = false;

  const revoke = (accessToken: string) =>
    revokeAccessToken({ ...login, accessToken }).then(
      () => undefined,
      () => undefined,
    );

  const cache = (token: AccessToken): CachedToken => {
    const obtainedAt = now();
    if (token.expiresIn <= 0) return { accessToken: token.accessToken, expiresAtMs: Infinity, refreshAtMs: Infinity };
    const lifetimeMs = token.expiresIn * 1000;
    const expiresAtMs = obtainedAt + lifetimeMs;
    return { accessToken: token.accessToken, expiresAtMs, refreshAtMs: expiresAtMs - Math.min(refreshBeforeMs, lifetimeMs / 2) };
  };

  async function obtain(previous: CachedToken | undefined): Promise<AccessToken> {
    if (renew && previous && now() < previous.expiresAtMs) {
      try {
        return await renewAccessToken({ ...login, accessToken: previous.accessToken });
      } catch {
        // e.g. 401 max TTL reached or token revoked: a fresh login decides.
      }
    }
    return loginWithOci(login);
  }

  async function refresh(): Promise<string> {
    const previous = current;
    try {
      const token = await obtain(previous);
      if (closed) {
        if (options.revokeOnClose) await revoke(token.accessToken);
        throw new Error("OCI session is closed");
      }
      current = cache(token);
      return token.accessToken;
    } catch (error) {
      // Keep serving a still-valid token through a transient outage; retry a little later.
      if (!closed && previous && previous === current && now() < previous.expiresAtMs) {
        current = { ...previous, refreshAtMs: Math.min(previous.expiresAtMs, now() + RETRY_AFTER_FAILURE_MS) };
        return previous.accessToken;
      }
      throw error;
    }
  }

  return {
    getToken() {
      if (closed) return Promise.reject(new Error("OCI session is closed"));
      if (current && now() < current.refreshAtMs) return Promise.resolve(current.accessToken);
      refreshing ??= refresh().finally(() => {
        refreshing = undefined;
      });
      return refreshing;
    },
    invalidate() {
      current = undefined;
    },
    async close() {
      closed = true;
      const token = current;
      current = undefined;
      if (options.revokeOnClose && token) await revoke(token.accessToken);
    },
  };
}
