import createClient, { type Client } from 'openapi-fetch';
import { authMiddleware, memoryTokenStore, type TokenPair, type TokenStore } from './auth';
import type { paths } from './schema';

export { authMiddleware, memoryTokenStore } from './auth';
export type { AuthOptions, TokenPair, TokenStore } from './auth';
export { isErrorEnvelope, LearnFlowError, unwrap } from './errors';
export type { ErrorCode, ErrorEnvelope } from './errors';
export { allItems, pages } from './pagination';
export type { Page } from './pagination';
export type { components, operations, paths } from './schema';

export interface LearnFlowClientOptions {
  /** `http://localhost:8000/api/v1` for the server, `http://127.0.0.1:4010` for the mock. */
  baseUrl: string;
  tokens?: TokenStore;
  onSignOut?: () => void;
  fetch?: typeof fetch;
}

export interface LearnFlowClient {
  /** openapi-fetch's client: `api.GET('/courses/', { params: { query: { level: 'beginner' } } })`, typed. */
  api: Client<paths>;
  tokens: TokenStore;
  /** Keep the pair that register, login or refresh answered. */
  signIn: (tokens: TokenPair) => void;
  signOut: () => void;
  /** Refresh now (single-flight with the middleware's own refreshes). */
  refresh: () => Promise<string | null>;
}

export function createLearnFlowClient(opts: LearnFlowClientOptions): LearnFlowClient {
  const tokens = opts.tokens ?? memoryTokenStore();
  const api = createClient<paths>({ baseUrl: opts.baseUrl, fetch: opts.fetch });
  const auth = authMiddleware({ baseUrl: opts.baseUrl, tokens, onSignOut: opts.onSignOut, fetch: opts.fetch });
  api.use(auth);
  return {
    api,
    tokens,
    signIn: (pair) => tokens.set({ access_token: pair.access_token, refresh_token: pair.refresh_token }),
    signOut: () => {
      tokens.set(null);
      opts.onSignOut?.();
    },
    refresh: auth.refresh,
  };
}
