// REST client for /api/v1: bearer auth, `{error, message}` errors as ApiError, 401 → back to login.
import type { ApiError as ApiErrorBody } from '@parley/contracts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type Query = Record<string, string | number | boolean | undefined | null>;

interface ClientState {
  token: string | null;
  onUnauthorized: (() => void) | null;
}

const state: ClientState = { token: null, onUnauthorized: null };

export function setToken(token: string | null): void {
  state.token = token;
}
export function getToken(): string | null {
  return state.token;
}
/** Called once when any authenticated call answers 401 (expired or revoked token). */
export function onUnauthorized(fn: () => void): void {
  state.onUnauthorized = fn;
}

export function buildUrl(path: string, query?: Query): string {
  const url = path.startsWith('/') ? path : `/api/v1/${path}`;
  if (!query) return url;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  const s = qs.toString();
  return s ? `${url}?${s}` : url;
}

async function parseError(res: Response): Promise<ApiError> {
  let body: Partial<ApiErrorBody> & { fields?: unknown; details?: unknown } = {};
  try {
    body = (await res.json()) as typeof body;
  } catch {
    /* not JSON (proxy error page, empty body) */
  }
  const code = typeof body.error === 'string' ? body.error : `http_${res.status}`;
  let message = typeof body.message === 'string' ? body.message : Array.isArray(body.message) ? (body.message as unknown[]).join('; ') : '';
  if (!message) message = res.statusText || `HTTP ${res.status}`;
  const fields = body.fields && typeof body.fields === 'object' ? (body.fields as Record<string, string>) : undefined;
  return new ApiError(res.status, code, message, fields);
}

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** skip the global 401 handler (login itself, 2FA) */
  noAuthRedirect?: boolean;
  signal?: AbortSignal;
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (state.token) headers.Authorization = `Bearer ${state.token}`;
  let body: BodyInit | undefined;
  if (opts.body instanceof FormData) body = opts.body;
  else if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  let res: Response;
  try {
    res = await fetch(buildUrl(path, opts.query), { method, headers, body, signal: opts.signal });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'network', 'network');
  }
  if (!res.ok) {
    const err = await parseError(res);
    if (res.status === 401 && !opts.noAuthRedirect && state.token) state.onUnauthorized?.();
    throw err;
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) => request<T>('GET', path, { query, signal }),
  post: <T>(path: string, body?: unknown, opts: Omit<RequestOptions, 'body'> = {}) => request<T>('POST', path, { ...opts, body: body ?? {} }),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, { body }),
  del: <T>(path: string) => request<T>('DELETE', path),
  upload: <T>(path: string, file: File) => {
    const fd = new FormData();
    fd.append('file', file);
    return request<T>('POST', path, { body: fd });
  },
};

/**
 * Attachments and recordings on our own origin need the bearer token, which <img>/<audio> cannot send:
 * fetch them as blobs. Foreign URLs (signed provider URLs) are used as they are, never given our token.
 */
export async function authedObjectUrl(url: string): Promise<string> {
  const u = new URL(url, location.href);
  if (u.origin !== location.origin) return url;
  const res = await fetch(u.href, { headers: state.token ? { Authorization: `Bearer ${state.token}` } : {} });
  if (!res.ok) throw await parseError(res);
  return URL.createObjectURL(await res.blob());
}
