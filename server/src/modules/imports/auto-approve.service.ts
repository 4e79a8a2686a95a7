import { and, eq, sql } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import { imports, organizations } from '../../db/schema.js';
import { notFound } from '../../http/errors.js';
import { one } from '../../lib/rows.js';
import { queryRows } from '../../lib/sql.js';
import { queueEmails } from '../../mail/outbox.js';
import { recordAudit } from '../audit/audit.service.js';
import type { Actor } from '../members/members.service.js';
import { approveImport } from './imports.service.js';
import { archivePlan } from './sync.js';
import { syncSettingsOf, thresholdOf } from './sync-plan.js';

/**
 * An unattended import (posted by another system with `autoApprove`): approved at once when it stays
 * under its archive threshold; otherwise held in preview for an admin, and the organization's owners
 * and admins are emailed (after commit, through the outbox).
 */
export async function autoApproveImport(
  ctx: AppContext,
  o: { actor: Actor; orgId: string; importId: string },
): Promise<'approved' | 'held'> {
  const held = await ctx.db.transaction(async (tx) => {
    const [imp] = await tx
      .select()
      .from(imports)
      .where(and(eq(imports.id, o.importId), eq(imports.orgId, o.orgId)))
      .for('update');
    if (!imp) throw notFound('Import');
    const plan = await archivePlan(tx, syncSettingsOf(imp, o.actor), {
      importId: imp.id,
      orgId: o.orgId,
      thresholdPercent: thresholdOf(imp),
    });
    if (!plan.overThreshold) return false;
    await tx
      .update(imports)
      .set({ options: { ...(imp.options as object), autoApprove: true, heldForApproval: true } })
      .where(eq(imports.id, imp.id));
    const org = one(await tx.select().from(organizations).where(eq(organizations.id, o.orgId)), 'organization');
    const admins = await queryRows<{ email: string; locale: string }>(
      tx,
      sql`SELECT a.email, a.locale FROM memberships m JOIN accounts a ON a.id = m.account_id
        WHERE m.org_id = ${o.orgId} AND m.status = 'active' AND m.role IN ('owner', 'admin') ORDER BY a.email`,
    );
    const params = {
      orgId: o.orgId,
      orgName: org.name,
      importId: imp.id,
      fileName: imp.fileName ?? '',
      toArchive: plan.toArchive,
      members: plan.members,
      threshold: thresholdOf(imp),
    };
    await queueEmails(
      tx,
      ctx.jobs,
      admins.map((a) => ({ to: a.email, template: 'import-held', locale: a.locale, orgId: o.orgId, refId: imp.id, params })),
    );
    await recordAudit(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'import.held',
      targetType: 'import',
      targetId: imp.id,
      ip: o.actor.ip,
      data: { toArchive: plan.toArchive, members: plan.members, threshold: thresholdOf(imp) },
    });
    return true;
  });
  if (held) return 'held';
  await approveImport(ctx, { actor: o.actor, orgId: o.orgId, importId: o.importId });
  return 'approved';
}
