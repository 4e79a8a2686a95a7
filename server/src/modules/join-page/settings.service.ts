import { eq } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import { isUniqueViolation } from '../../db/errors.js';
import { organizations } from '../../db/schema.js';
import type { AuthAccount } from '../../http/auth.js';
import { AppError, conflict, notFound } from '../../http/errors.js';
import { normalizeDomainEntry } from '../../lib/email-address.js';
import { recordAudit } from '../audit/audit.service.js';
import { requireGroups } from '../members/members.service.js';
import { isReservedSlug } from '../orgs/orgs.service.js';
import { findJoinPage, isOtherOrgSlug, offeredGroups, offeredLocations, saveJoinPage } from './join-page.repo.js';

type Actor = AuthAccount & { ip?: string };

export type JoinPageSettings = {
  enabled: boolean;
  slug: string;
  allowedDomains: string[];
  groupIds: string[];
  locationIds: string[];
  requireApproval: boolean;
  updatedAt: string | null;
};

// Paths of the web app under /join/ and words people would mistake for something else.
const RESERVED_HERE = new Set([
  'verify',
  'passcode',
  'passcodes',
  'invitations',
  'sign-in',
  'register',
  'login',
  'logout',
  'home',
  'me',
  'public',
  'page',
]);

/** Whether a slug may not be used for a join page (`code`, `api`, … and the app's own paths). */
export function isReservedJoinSlug(slug: string): boolean {
  return isReservedSlug(slug) || RESERVED_HERE.has(slug);
}

/**
 * Normalizes an allow-list (lower case, one trailing dot removed, punycode, duplicates dropped);
 * refuses it with a 422 naming `allowedDomains` and the entries that are not domains.
 */
export function normalizeAllowList(entries: string[]): string[] {
  const out: string[] = [];
  const invalid: string[] = [];
  for (const raw of entries) {
    if (raw.trim() === '') continue;
    const entry = normalizeDomainEntry(raw);
    if (!entry) invalid.push(raw.trim());
    else if (!out.includes(entry)) out.push(entry);
  }
  if (invalid.length) {
    const message = `Not a domain: ${invalid.join(', ')}. Write a domain such as example.com, or *.example.com for its sub-domains.`;
    throw new AppError(422, 'invalid_domain', message, { fields: { allowedDomains: message }, invalid });
  }
  return out;
}

/** The settings as saved, or the defaults (off, the organization's own slug) when never saved; groups and locations still offered only. */
export async function getJoinPageSettings(ctx: AppContext, o: { orgId: string }): Promise<JoinPageSettings> {
  const row = await findJoinPage(ctx.db, o.orgId);
  if (!row) {
    const [org] = await ctx.db.select({ slug: organizations.slug }).from(organizations).where(eq(organizations.id, o.orgId));
    if (!org) throw notFound('Organization');
    return { enabled: false, slug: org.slug, allowedDomains: [], groupIds: [], locationIds: [], requireApproval: false, updatedAt: null };
  }
  const [groups, locations] = await Promise.all([
    offeredGroups(ctx.db, o.orgId, row.groupIds),
    offeredLocations(ctx.db, o.orgId, row.locationIds),
  ]);
  const live = new Set(locations.map((l) => l.id));
  return {
    enabled: row.enabled,
    slug: row.slug,
    allowedDomains: row.allowedDomains,
    groupIds: groups.map((g) => g.id),
    locationIds: row.locationIds.filter((id) => live.has(id)),
    requireApproval: row.requireApproval,
    updatedAt: row.updatedAt,
  };
}

async function requireLocations(ctx: AppContext, orgId: string, locationIds: string[]): Promise<string[]> {
  const unique = [...new Set(locationIds)];
  const found = new Set((await offeredLocations(ctx.db, orgId, unique)).map((l) => l.id));
  const missing = unique.filter((id) => !found.has(id));
  if (missing.length)
    throw new AppError(422, 'unknown_location', `Unknown or archived location: ${missing.join(', ')}.`, {
      fields: { locationIds: 'Unknown or archived location.' },
      missing,
    });
  return unique;
}

const slugTaken = (slug: string) =>
  conflict('slug_taken', `The address /join/${slug} is already used by another organization; choose another.`, {
    fields: { slug: 'Already taken.' },
  });

/** Saves the join page settings; a list left out keeps its current value. Enabling needs at least one group on offer. */
export async function updateJoinPageSettings(
  ctx: AppContext,
  o: {
    actor: Actor;
    orgId: string;
    enabled: boolean;
    slug: string;
    allowedDomains?: string[];
    groupIds?: string[];
    locationIds?: string[];
    requireApproval?: boolean;
  },
): Promise<JoinPageSettings> {
  if (isReservedJoinSlug(o.slug))
    throw new AppError(422, 'slug_reserved', `“${o.slug}” is reserved; choose another address.`, {
      fields: { slug: 'This address is reserved.' },
    });
  const current = await getJoinPageSettings(ctx, { orgId: o.orgId });
  const allowedDomains = normalizeAllowList(o.allowedDomains ?? current.allowedDomains);
  const groupIds = await requireGroups(ctx, o.orgId, o.groupIds ?? current.groupIds);
  const locationIds = await requireLocations(ctx, o.orgId, o.locationIds ?? current.locationIds);
  if (o.enabled && groupIds.length === 0) {
    throw new AppError(
      422,
      'groups_required',
      'Choose at least one group to offer before turning the page on; create a group first if there is none.',
      { fields: { groupIds: 'Choose at least one group.' } },
    );
  }
  if (await isOtherOrgSlug(ctx.db, o.orgId, o.slug)) throw slugTaken(o.slug);
  try {
    return await ctx.db.transaction(async (tx) => {
      const row = await saveJoinPage(tx, {
        orgId: o.orgId,
        enabled: o.enabled,
        slug: o.slug,
        allowedDomains,
        groupIds,
        locationIds,
        requireApproval: o.requireApproval ?? current.requireApproval,
        updatedBy: o.actor.id,
        now: ctx.clock.now(),
      });
      const action = o.enabled === current.enabled ? 'joinpage.updated' : o.enabled ? 'joinpage.enabled' : 'joinpage.disabled';
      await recordAudit(tx, {
        orgId: o.orgId,
        actor: o.actor,
        action,
        targetType: 'join_page',
        targetId: o.orgId,
        ip: o.actor.ip,
        data: {
          enabled: o.enabled,
          slug: o.slug,
          allowedDomains,
          groupIds,
          locationIds,
          requireApproval: row.requireApproval,
          previous: { enabled: current.enabled, slug: current.slug },
        },
      });
      return {
        enabled: row.enabled,
        slug: row.slug,
        allowedDomains: row.allowedDomains,
        groupIds: row.groupIds,
        locationIds: row.locationIds,
        requireApproval: row.requireApproval,
        updatedAt: row.updatedAt,
      };
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw slugTaken(o.slug);
    throw err;
  }
}
