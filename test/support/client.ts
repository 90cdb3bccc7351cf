import http from 'node:http';
import type { ApiPath, BodyOf, Method, StatusOf } from './apiPaths';
import { assertMatchesContract } from './contract';

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  /** The parsed body, already checked against the contract; `bodyFor(status)` gives it its contract type. */
  body: T;
  /** The raw bytes, for PDFs and other non-JSON answers. */
  raw: Buffer;
}

/** A response to a request on the contract: its body typed per documented status. */
export interface TypedResponse<M extends Method, S extends string> extends ApiResponse {
  /** The body as the contract types it for `status`; throws (with the body) when the answer had another status. */
  bodyFor<Status extends StatusOf<M, S>>(status: Status): BodyOf<M, S, Status>;
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  /** Sent as-is instead of JSON (malformed JSON, wrong content types, signed webhooks). */
  rawBody?: string | Buffer;
  headers?: Record<string, string>;
  query?: Record<string, string | number | boolean | undefined>;
  /** Skip the contract check: only for tests that deliberately break HTTP itself. */
  unchecked?: boolean;
  /**
   * Connect from this loopback address (127.0.0.2, 127.0.0.3...): the server sees another client address, as
   * per-address limits need. Linux routes all of 127/8 to loopback.
   */
  localAddress?: string;
}

/** fetch cannot choose its source address; node:http can. */
function requestFrom(
  localAddress: string,
  method: string,
  url: URL,
  headers: Record<string, string>,
  payload?: string | Buffer,
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, localAddress }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const out = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out.set(k, Array.isArray(v) ? v.join(', ') : v);
        const body = Buffer.concat(chunks);
        resolve(new Response(res.statusCode === 204 || body.length === 0 ? null : body, { status: res.statusCode ?? 0, headers: out }));
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * An HTTP client for the tests. Every response it receives is checked against the contract (documented status,
 * schema of the body), so a test fails when the server drifts from the document, whatever the test asserts.
 */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    readonly prefix = '/api/v1',
  ) {}

  async request<T = any>(method: string, path: string, opts: RequestOptions = {}): Promise<ApiResponse<T>> {
    const url = new URL(this.baseUrl + this.prefix + path);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let payload: string | Buffer | undefined;
    if (opts.rawBody !== undefined) payload = opts.rawBody;
    else if (opts.body !== undefined) {
      payload = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = opts.localAddress
      ? await requestFrom(opts.localAddress, method, url, headers, payload)
      : await fetch(url, { method, headers, body: payload });
    const raw = Buffer.from(await res.arrayBuffer());
    const contentType = res.headers.get('content-type') ?? '';
    let body: unknown = raw;
    if (contentType.startsWith('application/json')) body = raw.length > 0 ? JSON.parse(raw.toString('utf8')) : undefined;
    else if (contentType.startsWith('text/')) body = raw.toString('utf8');
    if (!opts.unchecked) assertMatchesContract(method, url.pathname.slice(this.prefix.length), res.status, contentType, body);
    return { status: res.status, headers: res.headers, body: body as T, raw };
  }

  /** A request on the contract: `path` must fit one of the contract's paths for `method` (else `tsc` fails). */
  async call<M extends Method, S extends ApiPath<M>>(method: M, path: S, opts: RequestOptions = {}): Promise<TypedResponse<M, S>> {
    const res = await this.request(method.toUpperCase(), path, opts);
    return {
      ...res,
      bodyFor: (status) => {
        const where = `${method.toUpperCase()} ${path}`;
        if (res.status !== status) throw new Error(`${where}: expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
        return res.body;
      },
    };
  }

  get<S extends ApiPath<'get'>>(path: S, opts?: RequestOptions) {
    return this.call('get', path, opts);
  }
  post<S extends ApiPath<'post'>>(path: S, body?: unknown, opts: RequestOptions = {}) {
    return this.call('post', path, { ...opts, body });
  }
  put<S extends ApiPath<'put'>>(path: S, body?: unknown, opts: RequestOptions = {}) {
    return this.call('put', path, { ...opts, body });
  }
  patch<S extends ApiPath<'patch'>>(path: S, body?: unknown, opts: RequestOptions = {}) {
    return this.call('patch', path, { ...opts, body });
  }
  delete<S extends ApiPath<'delete'>>(path: S, opts?: RequestOptions) {
    return this.call('delete', path, opts);
  }
}
