import type { Middleware } from 'openapi-fetch';

export interface TokenPair {
  access_token: string;
  refresh_token: string;
}

/** Where the tokens live (memory by default; a browser app may back it with its own storage). */
export interface TokenStore {
  get(): TokenPair | null;
  set(tokens: TokenPair | null): void;
}

export function memoryTokenStore(initial: TokenPair | null = null): TokenStore {
  let tokens = initial;
  return { get: () => tokens, set: (next) => (tokens = next) };
}

export interface AuthOptions {
  baseUrl: string;
  tokens: TokenStore;
  /** Called once the session is over: the refresh token was refused (expired, revoked, reused). */
  onSignOut?: () => void;
  fetch?: typeof fetch;
}

const REFRESH_PATH = '/auth/refresh/';

/**
 * Attaches the access token; on 401 TOKEN_EXPIRED refreshes once and retries the request. Refreshes are
 * single-flight: concurrent 401s share one refresh (refresh tokens rotate, so a second refresh with the same
 * token would be taken for reuse and revoke the whole session). When the refresh fails, the tokens are
 * cleared, `onSignOut` is called, and the original 401 is returned.
 */
export function authMiddleware(opts: AuthOptions): Middleware & { refresh: () => Promise<string | null> } {
  const doFetch = opts.fetch ?? globalThis.fetch;
  let inFlight: Promise<string | null> | null = null;
  // The request as it was before sending (its body can be read once only), and the token it carried.
  const sent = new WeakMap<Request, { retry: Request; token: string }>();

  const signOut = (): void => {
    opts.tokens.set(null);
    opts.onSignOut?.();
  };

  const refresh = (): Promise<string | null> => {
    inFlight ??= (async () => {
      const refreshToken = opts.tokens.get()?.refresh_token;
      if (!refreshToken) return null;
      const res = await doFetch(`${opts.baseUrl.replace(/\/$/, '')}${REFRESH_PATH}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ refresh_token: refreshToken }),
      }).catch(() => null);
      if (!res?.ok) {
        signOut();
        return null;
      }
      const pair = (await res.json()) as TokenPair;
      opts.tokens.set({ access_token: pair.access_token, refresh_token: pair.refresh_token });
      return pair.access_token;
    })().finally(() => {
      inFlight = null;
    });
    return inFlight;
  };

  return {
    refresh,
    onRequest({ request }) {
      const token = opts.tokens.get()?.access_token;
      if (!token || request.headers.has('Authorization')) return undefined;
      request.headers.set('Authorization', `Bearer ${token}`);
      sent.set(request, { retry: request.clone(), token });
      return request;
    },
    async onResponse({ request, response }) {
      const before = sent.get(request);
      if (response.status !== 401 || !before) return undefined;
      const body = (await response
        .clone()
        .json()
        .catch(() => null)) as { error?: { code?: string } } | null;
      if (body?.error?.code !== 'TOKEN_EXPIRED') return undefined;
      // Another request may already have refreshed since this one left: then only retry.
      const current = opts.tokens.get()?.access_token;
      const token = current && current !== before.token ? current : await (inFlight ?? refresh());
      if (!token) return response;
      before.retry.headers.set('Authorization', `Bearer ${token}`);
      return doFetch(before.retry);
    },
  };
}
