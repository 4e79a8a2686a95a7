import type { FastifyInstance, HTTPMethods, LightMyRequestResponse } from 'fastify';

type Body = Record<string, unknown> | unknown[] | Buffer | string | undefined;

/** A browser-like client over app.inject: keeps cookies and sends the CSRF header on unsafe methods. */
export class Agent {
  cookies = new Map<string, string>();
  constructor(private app: FastifyInstance) {}

  async request(
    method: string,
    url: string,
    body?: Body,
    headers: Record<string, string> = {},
    // biome-ignore lint/suspicious/noExplicitAny: a test reads JSON answers freely and asserts them with expect; the server checks its own response schemas
  ): Promise<LightMyRequestResponse & { body: string; data: any }> {
    if (this.cookies.size === 0 && method !== 'GET') await this.request('GET', '/healthz');
    const h: Record<string, string> = { ...headers };
    if (this.cookies.size) h.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (!['GET', 'HEAD'].includes(method) && this.cookies.get('csrf_token') && !('x-csrf-token' in h))
      h['x-csrf-token'] = this.cookies.get('csrf_token')!;
    const res = await this.app.inject({ method: method as HTTPMethods, url, payload: body, headers: h });
    for (const c of res.cookies) {
      if (c.value === '' || (c.expires && new Date(c.expires).getTime() < Date.now())) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    let data: unknown;
    try {
      data = res.json();
    } catch {
      data = undefined;
    }
    return Object.assign(res, { data });
  }
  get = (url: string, headers?: Record<string, string>) => this.request('GET', url, undefined, headers);
  post = (url: string, body?: Body, headers?: Record<string, string>) => this.request('POST', url, body ?? {}, headers);
  patch = (url: string, body?: Body) => this.request('PATCH', url, body ?? {});
  put = (url: string, body?: Body, headers?: Record<string, string>) => this.request('PUT', url, body ?? {}, headers);
  delete = (url: string) => this.request('DELETE', url);
}
