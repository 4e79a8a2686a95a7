import type { TestApp } from './harness.js';

/** A client that authenticates with `Authorization: Bearer <key>` (no cookies, no CSRF token). */
export function keyClient(t: TestApp, secret: string) {
  const request = async (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await t.app.inject({
      method: method as 'GET',
      url,
      payload: body as Record<string, unknown> | undefined,
      headers: { authorization: `Bearer ${secret}`, ...headers },
    });
    // biome-ignore lint/suspicious/noExplicitAny: a test reads JSON payloads loosely and checks them with expect
    let data: any;
    try {
      data = res.json();
    } catch {
      data = undefined;
    }
    return Object.assign(res, { data });
  };
  return {
    get: (url: string, headers?: Record<string, string>) => request('GET', url, undefined, headers),
    post: (url: string, body: unknown = {}, headers?: Record<string, string>) => request('POST', url, body, headers),
    put: (url: string, body: unknown = {}, headers?: Record<string, string>) => request('PUT', url, body, headers),
    patch: (url: string, body: unknown = {}) => request('PATCH', url, body),
    delete: (url: string) => request('DELETE', url),
  };
}
