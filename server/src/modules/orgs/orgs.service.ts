import { and, asc, eq, isNull, like, or, sql } from 'drizzle-orm';
import { isUniqueViolation } from '../../db/errors.js';
import type { AppContext } from '../../context.js';
import { locations, memberships, organizations } from '../../db/schema.js';
import type { AuthAccount } from '../../http/auth.js';
import { AppError, conflict, notFound } from '../../http/errors.js';
import { getSeats, setSeatLimit } from '../seats/seats.service.js';
import { recordAudit } from '../audit/audit.service.js';

const RESERVED = new Set([
  'api',
  'admin',
  'app',
  'join',
  'code',
  'dev',
  'new',
  'orgs',
  'scim',
  'static',
  'assets',
  'healthz',
  'docs',
  'troupe',
  'www',
  'mail',
  'help',
  'support',
  'settings',
]);

/** A URL-safe slug from a name: `Équipe Ventes` → `equipe-ventes`. */
export function slugify(name: string): string {
  const s = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return s.length >= 3 ? s : `org-${s || 'new'}`.slice(0, 40);
}

export function isReservedSlug(slug: string): boolean {
  return RESERVED.has(slug);
}

type Actor = AuthAccount & { ip?: string };

/** Creates an organization with the caller as its owner. A chosen slug must be free; a derived one gets a suffix. */
export async function createOrganization(ctx: AppContext, o: { actor: Actor; name: string; slug?: string }) {
  if (o.slug && isReservedSlug(o.slug))
    throw new AppError(422, 'slug_reserved', `“${o.slug}” is reserved; choose another address.`, {
      fields: { slug: 'This address is reserved.' },
    });
  return ctx.db.transaction(async (tx) => {
    let slug = o.slug ?? slugify(o.name);
    if (!o.slug) {
      const rows = await tx
        .select({ slug: organizations.slug })
        .from(organizations)
        .where(or(eq(organizations.slug, slug), like(organizations.slug, `${slug}-%`)));
      const taken = new Set(rows.map((r) => r.slug));
      if (isReservedSlug(slug)) taken.add(slug);
      for (let i = 2; taken.has(slug); i++) slug = `${slugify(o.name)}-${i}`;
    }
    const [org] = await tx.insert(organizations).values({ name: o.name, slug }).onConflictDoNothing().returning();
    if (!org)
      throw conflict('slug_taken', `The address “${slug}” is already taken; choose another.`, { fields: { slug: 'Already taken.' } });
    await tx.insert(memberships).values({ orgId: org.id, accountId: o.actor.id, role: 'owner', status: 'active', source: 'created_org' });
    await recordAudit(tx, {
      orgId: org.id,
      actor: o.actor,
      action: 'org.created',
      targetType: 'organization',
      targetId: org.id,
      ip: o.actor.ip,
    });
    return org;
  });
}

export async function getOrganization(ctx: AppContext, o: { orgId: string }) {
  const [org] = await ctx.db.select().from(organizations).where(eq(organizations.id, o.orgId));
  if (!org) throw notFound('Organization');
  return org;
}

export async function updateOrganization(ctx: AppContext, o: { actor: Actor; orgId: string; name?: string; seatLimit?: number | null }) {
  return ctx.db.transaction(async (tx) => {
    const [org] = await tx
      .update(organizations)
      .set({ ...(o.name ? { name: o.name } : {}), updatedAt: sql`now()` })
      .where(eq(organizations.id, o.orgId))
      .returning();
    if (!org) throw notFound('Organization');
    const seats =
      o.seatLimit !== undefined
        ? await setSeatLimit(tx, ctx.jobs, { orgId: o.orgId, groupId: null, seatLimit: o.seatLimit })
        : await getSeats(tx, o.orgId);
    await recordAudit(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'org.updated',
      targetType: 'organization',
      targetId: o.orgId,
      ip: o.actor.ip,
      data: { name: o.name, ...(o.seatLimit !== undefined ? { seatLimit: o.seatLimit } : {}) },
    });
    return { ...org, ...seats };
  });
}

export async function listLocations(ctx: AppContext, o: { orgId: string; includeArchived: boolean }) {
  return ctx.db
    .select()
    .from(locations)
    .where(and(eq(locations.orgId, o.orgId), o.includeArchived ? undefined : isNull(locations.archivedAt)))
    .orderBy(asc(locations.name));
}

const duplicateLocation = (name: string) =>
  conflict('location_exists', `A location named “${name}” already exists.`, { fields: { name: 'Already exists.' } });

export async function createLocation(ctx: AppContext, o: { actor: Actor; orgId: string; name: string }) {
  return ctx.db.transaction(async (tx) => {
    const [loc] = await tx.insert(locations).values({ orgId: o.orgId, name: o.name }).onConflictDoNothing().returning();
    if (!loc) throw duplicateLocation(o.name);
    await recordAudit(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'location.created',
      targetType: 'location',
      targetId: loc.id,
      ip: o.actor.ip,
      data: { name: o.name },
    });
    return loc;
  });
}

/** Renames or archives (restores) a location of the organization. */
export async function updateLocation(
  ctx: AppContext,
  o: { actor: Actor; orgId: string; locationId: string; name?: string; archived?: boolean },
) {
  return ctx.db.transaction(async (tx) => {
    const set: Record<string, unknown> = {};
    if (o.name) set.name = o.name;
    if (o.archived !== undefined) set.archivedAt = o.archived ? sql`coalesce(${locations.archivedAt}, now())` : null;
    if (Object.keys(set).length === 0) set.name = sql`${locations.name}`;
    let loc: typeof locations.$inferSelect | undefined;
    try {
      [loc] = await tx
        .update(locations)
        .set(set)
        .where(and(eq(locations.id, o.locationId), eq(locations.orgId, o.orgId)))
        .returning();
    } catch (err) {
      if (isUniqueViolation(err)) throw duplicateLocation(o.name ?? '');
      throw err;
    }
    if (!loc) throw notFound('Location');
    await recordAudit(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'location.updated',
      targetType: 'location',
      targetId: loc.id,
      ip: o.actor.ip,
      data: { name: o.name, archived: o.archived },
    });
    return loc;
  });
}
