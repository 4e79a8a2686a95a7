import type { AppContext } from '../context.js';
import { executorFor } from '../db/client.js';
import type { JobRun } from '../jobs/queue.js';
import type { MailHooks } from './hooks.js';
import { renderFilled } from './render.js';
import { sealLink } from './sealed-links.js';
import { MailAborted } from './transport.js';

/** Messages claimed per statement; two chunks are in flight at once, so the SMTP pool never waits for a claim. */
export const CHUNK = 100;
/** A job sends for this long at most, then queues its continuation: every run ends well within its lease. */
const SLICE_MS = 5_000;
/**
 * A claim (`sending`) not renewed for this long belongs to a worker that died: the message is claimed
 * again. A live worker renews the claims of the messages it still holds every RENEW_CLAIMS_MS (one
 * statement), however long they wait for the SMTP pool or the rate cap.
 */
const STALE_CLAIM_SECONDS = 20;
const RENEW_CLAIMS_MS = 5_000;
/** Outcomes are recorded when this many have come, or this long after the first: the window a dead worker can leave unrecorded. */
const FLUSH_AT = 100;
const FLUSH_MS = 25;
type Claimed = { id: string; template: string; locale: string; params: unknown; to: string; refId: string | null };
export type Which = { batchId: string } | { ids: string[] };

/** The messages a run works on (a batch, or given ids), as a condition on `emails` with its one parameter. */
const targetOf = (which: Which) => ('batchId' in which ? 'batch_id = $1::uuid' : `id = ANY(string_to_array($1, ',')::uuid[])`);
const targetParam = (which: Which) => ('batchId' in which ? which.batchId : which.ids.join(','));

/**
 * Claims up to `n` messages in one statement: queued ones, ones that failed before this run began
 * (retries), and stale claims of a dead worker. SKIP LOCKED: workers on the same batch take disjoint rows.
 */
async function claim(ctx: AppContext, which: Which, runStart: string, n: number): Promise<Claimed[]> {
  const target = targetOf(which);
  const { rows } = await ctx.database.query<Claimed>(
    `UPDATE emails e SET status = 'sending', claimed_at = now(), attempts = e.attempts + 1
     WHERE e.id IN (
       SELECT id FROM emails WHERE ${target} AND status IN ('queued', 'failed', 'sending')
         AND (status = 'queued' OR (status = 'failed' AND claimed_at < $2::timestamptz)
              OR (status = 'sending' AND (claimed_at IS NULL OR claimed_at < now() - interval '${STALE_CLAIM_SECONDS} seconds')))
       LIMIT $3 FOR UPDATE SKIP LOCKED)
     RETURNING e.id, e.template, e.locale, e.params, e.to_address AS "to", e.ref_id AS "refId"`,
    [targetParam(which), runStart, n],
  );
  return rows;
}

/**
 * When messages are still claimed by another worker (a live one, or a dead one whose claims are not
 * stale yet), the time to look again: when the oldest of those claims would go stale. Without it, a run
 * that found nothing left to claim would end the batch while a killed worker's messages wait forever.
 */
async function heldElsewhereUntil(ctx: AppContext, which: Which): Promise<Date | null> {
  const { rows } = await ctx.database.query<{ at: string | null }>(
    `SELECT (min(claimed_at) + interval '${STALE_CLAIM_SECONDS + 1} seconds')::text AS at
     FROM emails WHERE ${targetOf(which)} AND status = 'sending'`,
    [targetParam(which)],
  );
  const at = rows[0]?.at;
  return at ? new Date(at) : null;
}

type Outcome =
  | { kind: 'sent'; id: string; subject: string; text: string; html: string; sealed: string | null }
  | { kind: 'failed'; id: string; error: string }
  | { kind: 'released'; id: string };

/**
 * Records outcomes as they come, one transaction per group (whatever accumulated while the previous one
 * ran): sent (bodies, params and tokens dropped unless the mailbox keeps them) with the templates'
 * hooks, failed with theirs, and released (claimed but never handed to SMTP: queued again at once).
 * Messages accepted but not yet recorded when a worker dies are the only ones that can go twice.
 */
function recorder(ctx: AppContext, hooks: MailHooks) {
  let pending: Outcome[] = [];
  let running: Promise<void> | null = null;
  let failures = 0;
  const keep = ctx.mailer.kind === 'mailbox';
  const write = async (batch: Outcome[]) => {
    const sent = batch.filter((o) => o.kind === 'sent');
    const failed = batch.filter((o) => o.kind === 'failed');
    const released = batch.filter((o) => o.kind === 'released').map((o) => o.id);
    await ctx.db.transaction(async (tx) => {
      const q = executorFor(tx);
      if (sent.length) {
        const values = sent.map((s) => ({
          id: s.id,
          subject: s.subject,
          text: keep ? s.text : null,
          html: keep ? s.html : null,
          sealed: s.sealed,
        }));
        // A link that a later reminder repeats is kept sealed (encrypted), never in the clear.
        const { rows } = await q.executeSql(
          `UPDATE emails e SET status = 'sent', sent_at = now(), last_error = NULL, subject = v.subject,
             text_body = v.text, html_body = v.html,
             params = CASE WHEN $2::boolean THEN e.params ELSE '{}'::jsonb END
               || CASE WHEN v.sealed IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('sealedToken', v.sealed) END
           FROM jsonb_to_recordset($1::jsonb) AS v(id uuid, subject text, text text, html text, sealed text)
           WHERE e.id = v.id AND e.status = 'sending'
           RETURNING e.template, e.ref_id AS "refId"`,
          [JSON.stringify(values), keep],
        );
        for (const [template, refIds] of groupRefs(rows as { template: string; refId: string | null }[]))
          for (const h of hooks.get(template) ?? []) await h.sent?.(tx, refIds);
      }
      if (failed.length) {
        const values = failed.map((f) => ({ id: f.id, error: f.error }));
        const { rows } = await q.executeSql(
          `UPDATE emails e SET status = 'failed', last_error = v.error
           FROM jsonb_to_recordset($1::jsonb) AS v(id uuid, error text)
           WHERE e.id = v.id AND e.status = 'sending'
           RETURNING e.template, e.ref_id AS "refId", v.error`,
          [JSON.stringify(values)],
        );
        const byTemplate = new Map<string, { refId: string; error: string }[]>();
        for (const r of rows as { template: string; refId: string | null; error: string }[])
          if (r.refId) byTemplate.set(r.template, [...(byTemplate.get(r.template) ?? []), { refId: r.refId, error: r.error }]);
        for (const [template, list] of byTemplate) for (const h of hooks.get(template) ?? []) await h.failed?.(tx, list);
      }
      if (released.length)
        await q.executeSql(
          `UPDATE emails SET status = 'queued', claimed_at = NULL, attempts = greatest(attempts - 1, 0)
           WHERE id = ANY(string_to_array($1, ',')::uuid[]) AND status = 'sending'`,
          [released.join(',')],
        );
    });
  };
  let timer: NodeJS.Timeout | null = null;
  const kick = (now = false) => {
    if (running || pending.length === 0) return;
    // Outcomes of the next few milliseconds go in the same statement.
    if (!now && pending.length < FLUSH_AT) {
      timer ??= setTimeout(() => {
        timer = null;
        kick(true);
      }, FLUSH_MS);
      return;
    }
    if (timer) clearTimeout(timer);
    timer = null;
    const batch = pending;
    pending = [];
    running = write(batch)
      .catch((err) => ctx.log.error({ err }, 'could not record email outcomes; they will be retried after the claim goes stale'))
      .finally(() => {
        running = null;
        kick();
      });
  };
  return {
    add(o: Outcome) {
      if (o.kind === 'failed') failures++;
      pending.push(o);
      kick();
    },
    async done() {
      while (running || pending.length) {
        kick(true);
        await running;
      }
      return failures;
    },
  };
}

function groupRefs(rows: { template: string; refId: string | null }[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const r of rows) if (r.refId) m.set(r.template, [...(m.get(r.template) ?? []), r.refId]);
  return m;
}

/**
 * Sends the messages of a batch (or the given ids) chunk by chunk until none is left or its time slice
 * ends; returns whether work may remain (the caller queues a continuation) and how many failed (the
 * caller throws, so the job is retried with backoff). Never sends a message twice: each one is claimed before it is handed
 * to SMTP, and a stopping worker releases what it has not handed over.
 */
export async function sendClaimed(
  ctx: AppContext,
  hooks: MailHooks,
  which: Which,
  run: JobRun,
): Promise<{ more: boolean; failures: number; recheckAt: Date | null }> {
  const started = Date.now();
  const [{ now: runStart }] = (await ctx.database.query<{ now: string }>(`SELECT now()::text AS now`)).rows as [{ now: string }];
  const rec = recorder(ctx, hooks);
  const held = new Set<string>();
  const renewal = setInterval(() => {
    if (held.size === 0) return;
    ctx.database
      .query(`UPDATE emails SET claimed_at = now() WHERE id = ANY(string_to_array($1, ',')::uuid[]) AND status = 'sending'`, [
        [...held].join(','),
      ])
      .catch(() => {});
  }, RENEW_CLAIMS_MS);
  const deliverOne = async (m: Claimed) => {
    try {
      if (run.signal.aborted) throw new MailAborted();
      const { subject, html, text, headers } = await renderFilled(m.template, m.locale, m.params, ctx.config.appUrl);
      await ctx.mailer.deliver(
        { messageId: `<${m.id}@troupe>`, from: ctx.config.mailFrom, to: m.to, subject, text, html, ...(headers ? { headers } : {}) },
        run.signal,
      );
      rec.add({ kind: 'sent', id: m.id, subject, text, html, sealed: sealLink(m.template, m.params, ctx.config.sessionSecret) });
    } catch (err) {
      if (err instanceof MailAborted) rec.add({ kind: 'released', id: m.id });
      else rec.add({ kind: 'failed', id: m.id, error: String((err as Error).message).slice(0, 500) });
    } finally {
      held.delete(m.id);
    }
  };
  const inFlight: Promise<unknown>[] = [];
  let more = false;
  for (;;) {
    if (run.signal.aborted || Date.now() - started > SLICE_MS) {
      more = true;
      break;
    }
    const rows = await claim(ctx, which, runStart, CHUNK);
    if (rows.length === 0) break;
    for (const r of rows) held.add(r.id);
    inFlight.push(Promise.all(rows.map(deliverOne)));
    if (inFlight.length >= 2) await inFlight.shift();
  }
  try {
    await Promise.all(inFlight);
  } finally {
    clearInterval(renewal);
  }
  const failures = await rec.done();
  return { more, failures, recheckAt: more ? null : await heldElsewhereUntil(ctx, which) };
}
