/** Field-level messages the server sends with 400/422 answers. */
export type FieldErrors = Record<string, string>;

type ErrorBody = {
  error?: { code?: string; message?: string; details?: unknown };
};

/** An error answer from the API, with the server's machine-readable code. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** Messages per form field, when the server said which fields were wrong. */
  get fieldErrors(): FieldErrors {
    const fields = (this.details as { fields?: unknown } | null | undefined)?.fields;
    if (!fields || typeof fields !== 'object') return {};
    const out: FieldErrors = {};
    for (const [key, value] of Object.entries(fields as Record<string, unknown>)) {
      if (typeof value === 'string') out[key] = value;
      else if (Array.isArray(value) && typeof value[0] === 'string') out[key] = value[0];
    }
    return out;
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Reads the CSRF cookie the server sets on the first visit and at sign-in. */
export function readCsrfToken(): string | undefined {
  for (const part of document.cookie.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === 'csrf_token') return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

/** A visit that opened on a cached page may not have the cookie yet: any GET sets it. */
async function ensureCsrfToken(): Promise<string | undefined> {
  const existing = readCsrfToken();
  if (existing) return existing;
  try {
    await fetch('/api/v1/me', { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  } catch {
    // The real request below reports the network error.
  }
  return readCsrfToken();
}

export type RequestOptions = {
  body?: unknown;
  query?: Record<string, string | number | boolean | null | undefined>;
  signal?: AbortSignal;
};

function buildUrl(path: string, query?: RequestOptions['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

async function toApiError(response: Response): Promise<ApiError> {
  let body: ErrorBody | undefined;
  try {
    body = (await response.json()) as ErrorBody;
  } catch {
    body = undefined;
  }
  const error = body?.error;
  return new ApiError(
    response.status,
    error?.code ?? `http_${response.status}`,
    error?.message ?? (response.statusText || `HTTP ${response.status}`),
    error?.details,
  );
}

/** Calls the Troupe API with the session cookie and, for unsafe methods, the CSRF header. */
export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  // The server words its messages (field errors included) in the reader's language.
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Accept-Language': document.documentElement.lang || 'en',
  };
  const isForm = options.body instanceof FormData;
  // A FormData body gets its multipart boundary from the browser.
  if (options.body !== undefined && !isForm) headers['Content-Type'] = 'application/json';
  if (UNSAFE.has(method)) {
    const token = await ensureCsrfToken();
    if (token) headers['X-CSRF-Token'] = token;
  }

  let response: Response;
  try {
    response = await fetch(buildUrl(path, options.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? undefined : isForm ? (options.body as FormData) : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError(0, 'network_error', cause instanceof Error ? cause.message : 'Network error');
  }

  if (!response.ok) throw await toApiError(response);
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const api = {
  get: <T>(path: string, options?: Omit<RequestOptions, 'body'>) => request<T>('GET', path, options),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, { body: body ?? {} }),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, { body: body ?? {} }),
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, { body: body ?? {} }),
  delete: <T>(path: string, options?: Omit<RequestOptions, 'body'>) => request<T>('DELETE', path, options),
  /** Sends one file as multipart/form-data (field `file`). */
  upload: <T>(method: 'POST' | 'PUT', path: string, file: File) => {
    const form = new FormData();
    form.append('file', file, file.name);
    return request<T>(method, path, { body: form });
  },
};

/** Loads every page of a list (for small lists shown whole, like the group tree). */
export async function fetchAll<T>(path: string, query: RequestOptions['query'] = {}, max = 20): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < max; i++) {
    const page = await request<{ items: T[]; nextCursor: string | null }>('GET', path, {
      query: { ...query, limit: 500, cursor },
    });
    items.push(...page.items);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return items;
}

/** True when the error is an API answer with one of the given codes. */
export function isApiError(error: unknown, ...codes: string[]): error is ApiError {
  return error instanceof ApiError && (codes.length === 0 || codes.includes(error.code));
}
