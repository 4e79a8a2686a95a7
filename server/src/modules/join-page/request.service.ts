import { eq, sql } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import type { Db } from '../../db/client.js';
import { invitations, organizations } from '../../db/schema.js';
import { AppError, invalidField } from '../../http/errors.js';
import { isDomainAllowed } from '../../lib/email-address.js';
import { onEmailFailed, onEmailSent, queueEmails } from '../../mail/outbox.js';
import { requireEmail } from '../accounts/accounts.service.js';
import { recordAudit } from '../audit/audit.service.js';
import { findGroupImage } from '../groups/group-images.service.js';
import { queryRows } from '../../lib/sql.js';
import { issueLinks, markLinkMailFailed, markLinkMailSent } from '../invitations/links.service.js';
import { findEnabledBySlug, type JoinPage, type OfferedGroup, offeredGroups, offeredLocations, recentJoinMails } from './join-page.repo.js';
import { one } from '../../lib/rows.js';

export const JOIN_MAIL_TEMPLATE = 'join-page-verify';
/** A join link works for 24 hours, like every verification link. */
export const JOIN_LINK_TTL_MS = 24 * 3600_000;

/** The one answer for a page that is off and for an address that names no page. */
export const unavailable = () =>
  new AppError(
    404,
    'join_page_unavailable',
    'This page is not available. Ask the organization for its current link, or for an invitation.',
  );

/** The public URL of the page's logo: the first offered group that has one. */
export function brandingOf(page: Pick<JoinPage, 'slug'>, groups: OfferedGroup[]): { logoUrl: string | null } {
  const key = groups.find((g) => g.logoKey)?.logoKey;
  if (!key) return { logoUrl: null };
  const version = (key.split('/').at(-1) ?? '').split('.')[0]?.slice(0, 10);
  return { logoUrl: `/api/v1/join/${page.slug}/logo?v=${version}` };
}

/** The enabled page behind a slug with what it offers; a page whose groups are all gone is unavailable too. */
export async function requireOpenPage(db: Db, slug: string) {
  const page = await findEnabledBySlug(db, slug);
  if (!page) throw unavailable();
  const groups = await offeredGroups(db, page.orgId, page.groupIds);
  if (groups.length === 0) throw unavailable();
  return { page, groups };
}

/** What a visitor sees: the organization's name and logo, the groups and locations on offer. */
export async function viewJoinPage(ctx: AppContext, slug: string) {
  const { page, groups } = await requireOpenPage(ctx.db, slug);
  const org = one(
    await ctx.db.select({ name: organizations.name }).from(organizations).where(eq(organizations.id, page.orgId)),
    'organization',
  );
  const locations = await offeredLocations(ctx.db, page.orgId, page.locationIds);
  return {
    slug: page.slug,
    organization: { name: org.name },
    branding: brandingOf(page, groups),
    allowedDomains: page.allowedDomains,
    groups: groups.map((g) => ({ id: g.id, name: g.name, welcomeMessage: g.welcomeMessage })),
    locations,
  };
}

/** The stored logo behind the page's branding (the page must be on). */
export async function joinPageLogo(ctx: AppContext, slug: string) {
  const { page, groups } = await requireOpenPage(ctx.db, slug);
  const branded = groups.find((g) => g.logoKey);
  if (!branded) throw new AppError(404, 'not_found', 'This page has no logo.');
  return findGroupImage(ctx, { orgId: page.orgId, groupId: branded.id, kind: 'logo' });
}

/**
 * Someone asks to join: checks the address (format, allow-list), the group and location on offer and the
 * per-address limit, then records an invitation of kind `join_page` and mails a verification link.
 * The answer does not depend on whether the address has an account or is already a member.
 */
export async function requestToJoin(
  ctx: AppContext,
  o: { slug: string; email: string; groupId: string; locationId?: string | null; locale: string; ip?: string },
) {
  const { page, groups } = await requireOpenPage(ctx.db, o.slug);
  const addr = requireEmail(o.email);
  if (!isDomainAllowed(addr.domain, page.allowedDomains)) {
    throw new AppError(
      422,
      'domain_not_allowed',
      'This page accepts only addresses of the organization’s own email domains. Use your work address, or ask for an invitation.',
      {
        fields: { email: 'Use an address of an allowed domain.' },
        allowedDomains: page.allowedDomains,
      },
    );
  }
  const group = groups.find((g) => g.id === o.groupId.toLowerCase());
  if (!group) throw invalidField('groupId', 'Choose one of the groups on this page.', 'unknown_group');
  let locationId: string | null = null;
  if (o.locationId) {
    const locations = await offeredLocations(ctx.db, page.orgId, page.locationIds);
    locationId = locations.find((l) => l.id === o.locationId!.toLowerCase())?.id ?? null;
    if (!locationId) throw invalidField('locationId', 'Choose one of the locations on this page.', 'unknown_location');
  }
  const recent = await recentJoinMails(ctx.db, addr.email);
  if (recent.n >= ctx.config.rateLimits.auth.max) {
    throw new AppError(429, 'rate_limited', `Too many requests for this address; try again in ${recent.retryAfterSeconds} seconds.`, {
      retryAfterSeconds: recent.retryAfterSeconds,
    });
  }

  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + JOIN_LINK_TTL_MS).toISOString();
  await ctx.db.transaction(async (tx) => {
    // One open request per address and organization, even when two arrive at once.
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`join_page:${page.orgId}:${addr.key}`}, 0))`);
    const org = one(
      await tx.select({ name: organizations.name }).from(organizations).where(eq(organizations.id, page.orgId)),
      'organization',
    );
    // Someone the organization already knows as a member keeps one row in the members list: theirs.
    const known =
      (
        await queryRows(
          tx,
          sql`SELECT 1 FROM memberships m JOIN accounts a ON a.id = m.account_id WHERE m.org_id = ${page.orgId} AND a.email_key = ${addr.key}`,
        )
      ).length > 0;
    const [open] = await queryRows<{ id: string }>(
      tx,
      sql`SELECT id FROM invitations WHERE org_id = ${page.orgId} AND email_key = ${addr.key} AND kind = 'join_page' AND status IN ('prospect','pending') ORDER BY created_at DESC LIMIT 1 FOR UPDATE`,
    );
    const values = {
      email: addr.email,
      groupIds: [group.id],
      locationId,
      expiresAt,
      status: 'prospect',
      isCurrent: !known,
      role: 'learner',
    };
    const inv = one(
      open
        ? await tx
            .update(invitations)
            .set({ ...values, lastError: null, updatedAt: now.toISOString() })
            .where(eq(invitations.id, open.id))
            .returning()
        : await tx
            .insert(invitations)
            .values({ ...values, orgId: page.orgId, kind: 'join_page', emailKey: addr.key, createdAt: now.toISOString() })
            .returning(),
      'invitation',
    );
    if (!known) {
      await tx.execute(
        sql`UPDATE invitations SET is_current = false, updated_at = now() WHERE org_id = ${page.orgId} AND email_key = ${addr.key} AND is_current AND id <> ${inv.id}`,
      );
    }
    const token = (await issueLinks(tx, [inv.id])).get(inv.id);
    await queueEmails(tx, ctx.jobs, [
      {
        to: inv.email,
        template: JOIN_MAIL_TEMPLATE,
        locale: o.locale,
        orgId: page.orgId,
        refId: inv.id,
        params: { token, slug: page.slug, orgName: org.name, groupName: group.name, email: inv.email },
      },
    ]);
    await recordAudit(tx, {
      orgId: page.orgId,
      action: 'joinpage.requested',
      targetType: 'invitation',
      targetId: inv.id,
      ip: o.ip,
      data: { email: inv.email, groupId: group.id, locationId },
    });
  });
}

/** Delivery moves a join request from prospect to pending, as for email invitations. */
export function registerJoinPageMailHooks(): void {
  onEmailSent(JOIN_MAIL_TEMPLATE, async (ctx, email) => {
    if (email.refId) await markLinkMailSent(ctx.db, email.refId);
  });
  onEmailFailed(JOIN_MAIL_TEMPLATE, async (ctx, email, error) => {
    if (email.refId) await markLinkMailFailed(ctx.db, email.refId, error);
  });
}
