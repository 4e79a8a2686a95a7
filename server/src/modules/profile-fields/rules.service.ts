import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import type { Db } from '../../db/client.js';
import { notFound } from '../../http/errors.js';
import type { JobDefinition, JobQueue } from '../../jobs/queue.js';
import { cleanIds, type IdRef, queryCount } from '../../lib/sql.js';
import { toIso } from '../../lib/time.js';
import { recordAudit } from '../audit/audit.service.js';
import { addAccountsToGroups, existingGroupIds, removeAccountsFromGroup } from '../groups/group-membership.service.js';
import * as fieldsRepo from './fields.repo.js';
import { compileRule } from './rules.compile.js';
import * as repo from './rules.repo.js';
import type { RuleBody } from './rules.schemas.js';
import type { FieldDef } from './values.js';

// Groups that fill themselves. A rule is compiled to one SQL predicate; applying it is a handful of
// set-based statements in one transaction (who to add, who to remove, then the groups module's own
// add/remove, which enrol and prune as joining and leaving always do). A change to some people
// re-evaluates only the rules reading the changed fields, only for those people.

const APPLY = 'group-rules.apply';
/** Above this many active members a saved rule is applied by a background job (tests lower it). */
export const ruleSettings = { jobAbove: 5_000, sample: 5 };

type Actor = { id: string; email: string; ip?: string };

/** The organization's profile fields by key, as rules read them. */
export async function fieldDefs(db: Db, orgId: string): Promise<Map<string, FieldDef>> {
  const rows = await fieldsRepo.listFields(db, orgId);
  return new Map(rows.map((r) => [r.key, { id: r.id, key: r.key, type: r.type, options: r.options }]));
}

async function requireGroup(db: Db, orgId: string, groupId: string) {
  if ((await existingGroupIds(db, orgId, [groupId])).length === 0) throw notFound('Group');
}

/** The group's mode, rule, broken state, last run and exceptions. */
export async function getRule(ctx: Pick<AppContext, 'db'>, o: { orgId: string; groupId: string }) {
  await requireGroup(ctx.db, o.orgId, o.groupId);
  const rule = await repo.findRule(ctx.db, o.orgId, o.groupId);
  const exceptions = await repo.exceptionsOf(ctx.db, o.orgId, o.groupId);
  const person = ({ accountId, email, name }: repo.Person) => ({ accountId, email, name });
  return {
    groupId: o.groupId,
    mode: rule ? ('rule' as const) : ('manual' as const),
    rule: rule ? { match: rule.match, conditions: rule.conditions } : null,
    broken: rule?.brokenAt ? { field: rule.brokenField ?? '', since: toIso(rule.brokenAt) ?? '' } : null,
    run: rule ? { status: rule.runStatus, added: rule.runAdded, removed: rule.runRemoved } : null,
    exceptions: {
      always: exceptions.filter((x) => x.kind === 'always').map(person),
      never: exceptions.filter((x) => x.kind === 'never').map(person),
    },
  };
}

/** What saving the rule would change now: counts, samples, and whether it matches everyone. */
export async function previewRule(ctx: Pick<AppContext, 'db'>, o: { orgId: string; groupId: string; rule: RuleBody }) {
  await requireGroup(ctx.db, o.orgId, o.groupId);
  const { predicate } = compileRule(o.rule, await fieldDefs(ctx.db, o.orgId));
  const { counts, samples } = await repo.preview(ctx.db, { orgId: o.orgId, groupId: o.groupId, predicate, sample: ruleSettings.sample });
  const person = ({ accountId, email, name }: repo.Person) => ({ accountId, email, name });
  return {
    add: counts.add,
    remove: counts.remove,
    matched: counts.matched,
    total: counts.total,
    matchesEveryone: counts.total > 0 && counts.bare === counts.total,
    sampleAdd: samples.filter((s) => s.add).map(person),
    sampleRemove: samples.filter((s) => !s.add).map(person),
  };
}

function activeMembers(db: Db, orgId: string): Promise<number> {
  return queryCount(db, sql`SELECT count(*)::int AS n FROM memberships WHERE org_id = ${orgId} AND status = 'active'`);
}

/** Applies the group's rule now in `tx`, or queues the job for a large organization. */
async function applyOrQueue(ctx: AppContext, tx: Db, o: { orgId: string; groupId: string }) {
  if ((await activeMembers(tx, o.orgId)) > ruleSettings.jobAbove) {
    await repo.setRun(tx, { groupId: o.groupId, status: 'queued' });
    await ctx.jobs.send(APPLY, { orgId: o.orgId, groupId: o.groupId }, { tx });
    return;
  }
  await applyRule(tx, { orgId: o.orgId, groupId: o.groupId, now: ctx.clock.now(), jobs: ctx.jobs });
}

/** Saves (or replaces) the rule: the group becomes rule-based and is filled at once. */
export async function putRule(ctx: AppContext, o: { actor: Actor; orgId: string; groupId: string; rule: RuleBody }) {
  return ctx.db.transaction(async (tx) => {
    await requireGroup(tx, o.orgId, o.groupId);
    const { keys } = compileRule(o.rule, await fieldDefs(tx, o.orgId));
    await repo.saveRule(tx, { orgId: o.orgId, groupId: o.groupId, rule: o.rule, keys, runStatus: 'done' });
    await recordAudit(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'group.rule_saved',
      targetType: 'group',
      targetId: o.groupId,
      ip: o.actor.ip,
      data: { match: o.rule.match, conditions: o.rule.conditions },
    });
    await applyOrQueue(ctx, tx, o);
    return getRule({ db: tx }, o);
  });
}

/** Makes the group manual again; its members stay. */
export async function deleteRule(ctx: AppContext, o: { actor: Actor; orgId: string; groupId: string }) {
  await ctx.db.transaction(async (tx) => {
    await requireGroup(tx, o.orgId, o.groupId);
    if (!(await repo.deleteRule(tx, o.orgId, o.groupId))) throw notFound('Rule');
    await recordAudit(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'group.rule_removed',
      targetType: 'group',
      targetId: o.groupId,
      ip: o.actor.ip,
    });
  });
}

/** Replaces the always-in / never-in lists and applies the rule again. */
export async function setExceptions(
  ctx: AppContext,
  o: { actor: Actor; orgId: string; groupId: string; always: string[]; never: string[] },
) {
  return ctx.db.transaction(async (tx) => {
    await requireGroup(tx, o.orgId, o.groupId);
    const never = cleanIds(o.never);
    const always = cleanIds(o.always).filter((id) => !never.includes(id));
    await repo.replaceExceptions(tx, { orgId: o.orgId, groupId: o.groupId, always, never });
    await recordAudit(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'group.rule_exceptions_changed',
      targetType: 'group',
      targetId: o.groupId,
      ip: o.actor.ip,
      data: { always: always.length, never: never.length },
    });
    const rule = await repo.findRule(tx, o.orgId, o.groupId);
    if (rule && !rule.brokenAt) await applyOrQueue(ctx, tx, o);
    return getRule({ db: tx }, o);
  });
}

/**
 * Brings the group in line with its rule (idempotent: the rule says who belongs, whatever ran
 * before). The rule row is locked for the whole run, so two runs never interleave. A broken rule
 * changes nothing.
 */
export async function applyRule(tx: Db, o: { orgId: string; groupId: string; now: Date; jobs: JobQueue }) {
  const rule = await repo.findRule(tx, o.orgId, o.groupId, true);
  if (!rule || rule.brokenAt) return { added: 0, removed: 0 };
  const { predicate } = compileRule(rule, await fieldDefs(tx, o.orgId));
  const diff = await repo.differences(tx, { orgId: o.orgId, groupId: o.groupId, predicate });
  const added = await addAccountsToGroups(tx, { orgId: o.orgId, groupIds: [o.groupId], accountIds: diff.add, now: o.now, jobs: o.jobs });
  const removed = await removeAccountsFromGroup(tx, { orgId: o.orgId, groupId: o.groupId, accountIds: diff.remove });
  await repo.setRun(tx, { groupId: o.groupId, status: 'done', added, removed });
  return { added, removed };
}

/** SQL true when the organization has a working rule (else reevaluateRulesFor has nothing to do), for a statement that prepares a join. */
export const rulesExistSql = (orgId: IdRef) => sql`EXISTS (SELECT 1 FROM group_rules WHERE org_id = ${orgId} AND broken_at IS NULL)`;

/**
 * After some people changed (fields, role, location, a new member, an import): re-evaluates, for those
 * people only, the working rules that read any of `keys` (all of them when keys is omitted), in one
 * statement, then adds and removes per group that changes. Call inside the change's transaction.
 */
export async function reevaluateRulesFor(
  tx: Db,
  o: { orgId: string; accountIds: string[]; keys?: string[]; now: Date; jobs: JobQueue; defs?: Map<string, FieldDef> },
) {
  const accountIds = cleanIds(o.accountIds);
  if (accountIds.length === 0) return { added: 0, removed: 0 };
  const rules = await repo.rulesReading(tx, o.orgId, o.keys ?? null);
  if (rules.length === 0) return { added: 0, removed: 0 };
  const defs = o.defs ?? (await fieldDefs(tx, o.orgId));
  const compiled = rules.map((r) => ({ groupId: r.groupId, predicate: compileRule(r, defs).predicate }));
  const changes = await repo.changesFor(tx, { orgId: o.orgId, accountIds, rules: compiled });
  let added = 0;
  let removed = 0;
  for (const groupId of new Set(changes.map((c) => c.groupId))) {
    const mine = changes.filter((c) => c.groupId === groupId);
    const add = mine.filter((c) => c.add).map((c) => c.accountId);
    const remove = mine.filter((c) => !c.add).map((c) => c.accountId);
    if (add.length)
      added += await addAccountsToGroups(tx, { orgId: o.orgId, groupIds: [groupId], accountIds: add, now: o.now, jobs: o.jobs });
    if (remove.length) removed += await removeAccountsFromGroup(tx, { orgId: o.orgId, groupId, accountIds: remove });
  }
  return { added, removed };
}

/** A field is going: the rules reading it stop changing their groups, and the admins are told (audit). */
export async function breakRulesUsing(tx: Db, o: { orgId: string; key: string; actor: Actor; now: Date }) {
  const broken = await repo.breakRules(tx, o);
  for (const g of broken)
    await recordAudit(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'group.rule_broken',
      targetType: 'group',
      targetId: g.groupId,
      ip: o.actor.ip,
      data: { field: o.key, group: g.name },
    });
  return broken;
}

/** The background application of a saved rule: claims the rule row, runs it, records the counts. */
async function runApply(ctx: AppContext, data: { orgId: string; groupId: string }) {
  // Progress: the rule shows `running` while its transaction works.
  await repo.setRun(ctx.db, { groupId: data.groupId, status: 'running', from: ['queued'] });
  try {
    await ctx.db.transaction((tx) => applyRule(tx, { ...data, now: ctx.clock.now(), jobs: ctx.jobs }));
  } catch (err) {
    await repo.setRun(ctx.db, { groupId: data.groupId, status: 'failed', from: ['running'] });
    throw err;
  }
}

export const ruleJobs: JobDefinition[] = [
  { name: APPLY, schema: z.object({ orgId: z.string().uuid(), groupId: z.string().uuid() }), handler: runApply, retryLimit: 3 },
];
