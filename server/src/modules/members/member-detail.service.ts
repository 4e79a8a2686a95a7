import { sql } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import { notFound } from '../../http/errors.js';
import type { GroupScope } from '../../http/group-scope.js';
import { memberInScope } from '../../http/group-scope.js';
import type { Role } from '../../http/permissions.js';
import { queryRows } from '../../lib/sql.js';
import { toIso } from '../../lib/time.js';
import type { FieldValue } from '../profile-fields/fields.schemas.js';
import { memberFields, setMemberFields } from '../profile-fields/fields.service.js';
import { type Actor, assertCanManage, changeRoleIn } from './members.service.js';
import type { MemberStatus } from './members.repo.js';

// issue 15: one member with their profile-field values, and changes to role and fields together.

/** A member of the organization with `fields: {key: value}`; 404 outside the viewer's scope. */
export async function getMember(ctx: Pick<AppContext, 'db'>, o: { orgId: string; accountId: string; scope?: GroupScope }) {
  const [m] = await queryRows<{
    accountId: string;
    email: string;
    name: string;
    role: Role;
    status: MemberStatus;
    source: string;
    createdAt: string;
    lastLoginAt: string | null;
  }>(
    ctx.db,
    sql`SELECT m.account_id AS "accountId", a.email, a.name, m.role, m.status, m.source, m.created_at AS "createdAt", a.last_login_at AS "lastLoginAt"
      FROM memberships m JOIN accounts a ON a.id = m.account_id
      WHERE m.org_id = ${o.orgId} AND m.account_id = ${o.accountId} ${o.scope ? sql`AND ${memberInScope(o.scope, sql`m.account_id`)}` : sql``}`,
  );
  if (!m) throw notFound('Member');
  return {
    ...m,
    createdAt: toIso(m.createdAt) ?? '',
    lastLoginAt: toIso(m.lastLoginAt),
    fields: await memberFields(ctx.db, { orgId: o.orgId, accountId: o.accountId }),
  };
}

/** Changes a member's role and/or field values in one transaction (rule-based groups follow). */
export async function patchMember(
  ctx: AppContext,
  o: { actor: Actor; orgId: string; accountId: string; role?: string; fields?: Record<string, FieldValue> },
) {
  return ctx.db.transaction(async (tx) => {
    const [m] = await queryRows<{ role: string }>(
      tx,
      sql`SELECT role FROM memberships WHERE org_id = ${o.orgId} AND account_id = ${o.accountId} FOR UPDATE`,
    );
    if (!m) throw notFound('Member');
    let role = m.role as Role;
    if (o.role !== undefined)
      role = (await changeRoleIn(ctx, tx, { actor: o.actor, orgId: o.orgId, accountId: o.accountId, role: o.role })).role;
    if (o.fields !== undefined) {
      if (o.actor.id !== o.accountId) assertCanManage(o.actor.role, m.role);
      await setMemberFields(ctx, tx, { actor: o.actor, orgId: o.orgId, accountId: o.accountId, fields: o.fields });
    }
    return { accountId: o.accountId, role, fields: await memberFields(tx, { orgId: o.orgId, accountId: o.accountId }) };
  });
}
