import type { AppContext } from '../../context.js';
import { queueEmails } from '../../mail/outbox.js';
import * as repo from './delivery.repo.js';
import { DELIVER_JOB } from './job-names.js';
import { decryptSecret, signatureHeader } from './secrets.js';
import { type SendResult, sendWebhook } from './sender.js';

// The delivery worker: one endpoint at a time under a lease, its oldest pending delivery first, so
// a receiver gets its messages in order; a failing head waits for its retry and the rest wait behind it.

const FAILING_DAYS = 3;
const MAX_RETRY_AFTER = 86_400;

/** Delivers the endpoint's due messages in order until none is due (or its head must wait for a retry). */
export async function deliverEndpoint(ctx: AppContext, endpointId: string): Promise<void> {
  for (let round = 0; round < 10; round++) {
    const ep = await repo.claimEndpoint(ctx, endpointId);
    if (!ep) return; // disabled, or another worker holds it (that worker re-checks after releasing)
    try {
      await deliverDue(ctx, ep);
    } finally {
      await repo.releaseLease(ctx, endpointId);
    }
    if (!(await repo.hasDueDelivery(ctx, endpointId))) return;
  }
}

// Deliveries are read and recorded in runs: up to BATCH pending messages are read in one query and
// sent in order; the successes are written in one statement per run (at once before a failure is
// handled). A worker that dies mid-run sends those messages again (same webhook-id, so a receiver
// that follows Standard Webhooks drops the copy): at least once, never lost.
const BATCH = 50;

async function deliverDue(ctx: AppContext, ep: repo.LeasedEndpoint): Promise<void> {
  const secrets = [decryptSecret(ep.secret_enc, ctx.config.sessionSecret)];
  if (ep.previous_valid && ep.previous_secret_enc) secrets.push(decryptSecret(ep.previous_secret_enc, ctx.config.sessionSecret));
  let leased = Date.now();
  for (;;) {
    const run = await repo.pendingDeliveries(ctx, ep.id, BATCH);
    const delivered: repo.Delivered[] = [];
    try {
      for (const head of run) {
        if (!head.due) return; // the head waits for its retry; the others wait behind it
        const result = await send(ctx, ep, secrets, head);
        if (Date.now() - leased > 30_000) {
          await repo.renewLease(ctx, ep.id);
          leased = Date.now();
        }
        if (classify(result) === 'delivered' && result.statusCode !== null) {
          delivered.push({ id: head.id, statusCode: result.statusCode, durationMs: result.durationMs, excerpt: result.excerpt });
          continue;
        }
        await repo.recordDelivered(ctx, ep.id, delivered.splice(0));
        if ((await recordOutcome(ctx, ep, head, result)) === 'stop') return;
      }
    } finally {
      await repo.recordDelivered(ctx, ep.id, delivered);
    }
    if (run.length < BATCH) return;
  }
}

/** Signs and POSTs one message (the timestamp is the attempt's, the id the message's). */
function send(ctx: AppContext, ep: repo.LeasedEndpoint, secrets: string[], head: repo.HeadDelivery): Promise<SendResult> {
  const body = JSON.stringify(head.payload);
  const now = new Date();
  const headers = {
    'webhook-id': head.message_id,
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    'webhook-signature': signatureHeader(secrets, head.message_id, now, body),
  };
  return sendWebhook(ep.url, headers, body, ctx.config.webhooks.allowPrivate);
}

type Outcome = 'delivered' | 'retry' | 'failed' | 'gone';

function classify(r: SendResult): Outcome {
  if (r.statusCode !== null && r.statusCode >= 200 && r.statusCode < 300) return 'delivered';
  if (r.statusCode === 410) return 'gone';
  if (r.statusCode === null || r.statusCode >= 500 || r.statusCode === 429 || r.statusCode === 408) return 'retry';
  return 'failed'; // another 4xx (a redirect included): the receiver refuses it, trying again would not help
}

/** The delay before the next attempt: the schedule with ±20 % jitter, or the receiver's Retry-After. */
function retryDelaySeconds(ctx: AppContext, attempts: number, retryAfter: number | null): number | null {
  const base = ctx.config.webhooks.retrySchedule[attempts - 1];
  if (base === undefined) return null;
  if (retryAfter !== null) return Math.min(Math.max(retryAfter, base), MAX_RETRY_AFTER);
  return base * (0.8 + Math.random() * 0.4);
}

/** Writes the attempt and its consequences in one transaction; says whether the next delivery may go. */
async function recordOutcome(ctx: AppContext, ep: repo.LeasedEndpoint, head: repo.HeadDelivery, r: SendResult): Promise<'next' | 'stop'> {
  let outcome = classify(r);
  const attempts = head.attempts + 1;
  const delay = outcome === 'retry' ? retryDelaySeconds(ctx, attempts, r.retryAfter) : null;
  if (outcome === 'retry' && delay === null) outcome = 'failed'; // the schedule is used up
  return ctx.db.transaction(async (tx) => {
    await repo.run(
      tx,
      `INSERT INTO webhook_attempts (delivery_id, status_code, duration_ms, response_excerpt, error) VALUES ($1, $2, $3, $4, $5)`,
      [head.id, r.statusCode, r.durationMs, r.excerpt, r.error],
    );
    const status = outcome === 'delivered' ? 'delivered' : outcome === 'retry' ? 'pending' : 'failed';
    await repo.run(
      tx,
      `UPDATE webhook_deliveries SET status = $2, attempts = $3, last_status_code = $4,
              next_attempt_at = now() + make_interval(secs => $5::float8),
              delivered_at = CASE WHEN $2 = 'delivered' THEN now() ELSE delivered_at END
        WHERE id = $1`,
      [head.id, status, attempts, r.statusCode, delay ?? 0],
    );
    if (outcome === 'delivered') {
      await repo.run(tx, `UPDATE webhook_endpoints SET failing_since = NULL WHERE id = $1 AND failing_since IS NOT NULL`, [ep.id]);
      return 'next';
    }
    if (outcome === 'gone') {
      await disableEndpoint(ctx, tx, ep, 'gone');
      return 'stop';
    }
    const [f] = await repo.run<{ too_long: boolean }>(
      tx,
      `UPDATE webhook_endpoints SET failing_since = COALESCE(failing_since, now()) WHERE id = $1
       RETURNING failing_since < now() - make_interval(days => ${FAILING_DAYS}) AS too_long`,
      [ep.id],
    );
    if (f?.too_long) {
      await disableEndpoint(ctx, tx, ep, 'failing');
      return 'stop';
    }
    if (outcome === 'retry' && delay !== null) {
      await ctx.jobs.send(DELIVER_JOB, { endpointId: ep.id }, { tx, startAfter: new Date(Date.now() + delay * 1000) });
      return 'stop'; // the head waits for its retry; the others wait behind it (order per endpoint)
    }
    return 'next';
  });
}

/** Disables an endpoint (410 Gone, or failing for days) and tells the organization's owners. */
async function disableEndpoint(ctx: AppContext, tx: Parameters<typeof repo.run>[0], ep: repo.LeasedEndpoint, reason: 'gone' | 'failing') {
  await repo.run(tx, `UPDATE webhook_endpoints SET enabled = false, disabled_reason = $2, updated_at = now() WHERE id = $1`, [
    ep.id,
    reason,
  ]);
  const owners = await repo.run<{ email: string; locale: string; org_name: string }>(
    tx,
    `SELECT a.email, a.locale, o.name AS org_name FROM memberships m JOIN accounts a ON a.id = m.account_id
       JOIN organizations o ON o.id = m.org_id
      WHERE m.org_id = $1 AND m.role = 'owner' AND m.status = 'active'`,
    [ep.org_id],
  );
  await queueEmails(
    tx,
    ctx.jobs,
    owners.map((o) => ({
      to: o.email,
      template: 'webhook-disabled',
      locale: o.locale,
      orgId: ep.org_id,
      refId: ep.id,
      params: { orgId: ep.org_id, orgName: o.org_name, url: ep.url, reason },
    })),
  );
}

/** Enqueues a delivery run for every endpoint a crash or a restart left with due messages. */
export async function sweepDueEndpoints(ctx: AppContext): Promise<void> {
  const ids = await repo.dueEndpoints(ctx);
  if (ids.length)
    await ctx.jobs.sendMany(
      DELIVER_JOB,
      ids.map((endpointId) => ({ endpointId })),
    );
}
