import { existsSync } from 'node:fs';
import path from 'node:path';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { TrustProxy } from './config.js';
import type { AppContext } from './context.js';
import { registerAuth } from './http/auth.js';
import { AppError, frameworkError, registerErrorHandling, sendAppError } from './http/errors.js';
import { healthRoutes } from './http/health.js';
import { registerInputGuard } from './http/input-guard.js';
import { requestIdOf } from './http/logging.js';
import { registerHttpMetrics, registerMetricsRoute } from './http/metrics.js';
import { registerKeyedLimits } from './http/keyed-limits.js';
import { databaseRateLimitStore } from './http/rate-limit-store.js';
import { mailboxRoutes } from './modules/dev/mailbox.routes.js';
import { registerIdempotency } from './modules/api-keys/idempotency.js';
import { featureRoutes } from './modules/index.js';

export const BODY_LIMIT = 1024 * 1024;

/** Builds the HTTP app (API, docs, development mailbox, web app); does not listen. */
export async function buildApp(ctx: AppContext, opts: { logger?: boolean } = {}): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: opts.logger === false ? undefined : ctx.log,
    bodyLimit: BODY_LIMIT,
    trustProxy: trustProxyOption(ctx.config.trustProxy),
    // Malformed percent-encoding and over-long path parameters, answered in the API's error format.
    frameworkErrors: (err, req, reply) => {
      const known = frameworkError(err) ?? new AppError(400, 'bad_request', 'The request is not valid.');
      return sendAppError(known, req, reply);
    },
    // Every log line of a request carries its id; the caller's X-Request-Id is kept when it is safe.
    requestIdHeader: false,
    genReqId: requestIdOf,
  }).withTypeProvider<ZodTypeProvider>();
  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });
  registerHttpMetrics(app);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  registerInputGuard(app);

  await app.register(cookie);
  await app.register(rateLimit, {
    global: false,
    // Counted in the database: every web process shares the same counts, and restarts keep them.
    store: databaseRateLimitStore(ctx.database, { keyPrefix: ctx.config.rateLimits.keyPrefix }),
    errorResponseBuilder: (_req, c) =>
      new AppError(429, 'rate_limited', `Too many attempts; try again in ${Math.ceil(c.ttl / 1000)} seconds.`, {
        retryAfterSeconds: Math.ceil(c.ttl / 1000),
      }),
  });
  registerKeyedLimits(app, ctx.database, ctx.config.rateLimits.keyPrefix);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Troupe API',
        version: '1.0.0',
        // issue 12: how another system authenticates, shown at the top of /api/docs.
        description:
          'Bring learners into organizations, groups and programs.\n\n' +
          '## Authenticating with an API key\n' +
          'An owner or admin creates a key in **Settings → API keys**, choosing its scopes; the secret (`trp_…`) is shown once. ' +
          'Send it in the `Authorization` header (never in the address) on `/api/v1/orgs/{orgId}/…` routes its scopes allow — ' +
          'in this page, **Authorize** → `bearer`:\n\n' +
          '```\ncurl -X PUT https://learn.example.com/api/v1/orgs/$ORG/people/HR-000123 \\\n' +
          '  -H "Authorization: Bearer $TROUPE_KEY" -H "Content-Type: application/json" \\\n' +
          '  -d \'{"email":"ana.lopez@example.com","name":"Ana Lopez","mode":"create"}\'\n```\n\n' +
          'A revoked or expired key answers 401, another organization 404, a missing scope 403, too many requests 429 with `Retry-After`. ' +
          'Add `Idempotency-Key: <unique value>` to a POST to retry it safely. Browsers use the session cookie and the `X-CSRF-Token` header instead.',
      },
      tags: [
        {
          name: 'provisioning',
          description:
            'For HR systems, ERPs and LMSs: people by your own id (one or up to 10,000 in a batch), progress by (person, program), ' +
            'API keys and signed webhooks.',
        },
      ],
      security: [{ session: [] }, { bearer: [] }],
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'troupe_session' },
          // issue 12: organization API keys
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description:
              'An organization API key: `Authorization: Bearer trp_…` (Settings → API keys, or POST /api/v1/orgs/{orgId}/api-keys). ' +
              'It works on /api/v1/orgs/{orgId}/… routes its scopes allow, needs no CSRF token, is never accepted in a query string, ' +
              'and is rate-limited per key (429 with Retry-After). POSTs may carry `Idempotency-Key`: the same key and body within 24 h ' +
              'return the first answer; the same key with another body is a 422.',
          },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  registerAuth(app, ctx);
  registerIdempotency(app, ctx); // issue 12: Idempotency-Key on POSTs made with an API key

  await app.register(healthRoutes(ctx));
  registerMetricsRoute(app, ctx);
  app.get('/api/openapi.json', { config: { auth: 'public' }, schema: { hide: true } }, async () => app.swagger());

  for (const routes of featureRoutes) await app.register(routes(ctx));
  if (ctx.mailer.kind === 'mailbox') await app.register(mailboxRoutes(ctx));
  serveWebApp(app, ctx);
  return app;
}

/** Fastify's trustProxy: a hop count becomes "trust the n nearest hops" (its types omit the number form). */
function trustProxyOption(tp: TrustProxy): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof tp === 'number' ? (_address, hop) => hop < tp : tp;
}

/** Serves the built web app, with every non-API path answered by index.html (client-side routing). */
function serveWebApp(app: FastifyInstance, ctx: AppContext): void {
  const root = ctx.config.webDist;
  const hasIndex = existsSync(path.join(root, 'index.html'));
  if (hasIndex) void app.register(fastifyStatic, { root, wildcard: false, index: false });
  app.setNotFoundHandler((req, reply) => {
    const [url = ''] = req.url.split('?');
    const isApi = /^\/(api|scim|dev|healthz|readyz|metrics)(\/|$)/.test(url);
    if (req.method === 'GET' && !isApi && !/\.[a-z0-9]+$/i.test(url)) {
      if (hasIndex) return reply.type('text/html; charset=utf-8').sendFile('index.html');
      return reply
        .type('text/html; charset=utf-8')
        .send('<!doctype html><title>Troupe</title><p>The web app is not built yet: run <code>npm run build</code>.</p>');
    }
    return sendAppError(
      new AppError(404, 'not_found', `No route ${req.method} ${url}.`, undefined, {
        key: 'errors.no_route',
        params: { method: req.method, url: url ?? '' },
      }),
      req,
      reply,
    );
  });
}
