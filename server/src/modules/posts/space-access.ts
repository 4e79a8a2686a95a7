import type { AppContext } from '../../context.js';
import { AppError, invalidField, notFound } from '../../http/errors.js';
import { can } from '../../http/permissions.js';
import { translator } from '../../i18n/index.js';
import { findNotifyMode, type NotifyMode } from './notify.repo.js';
import { findSessionAccess, findSpaceAccess, type SpaceRef } from './posts.repo.js';
import { BODY_MAX } from './posts.schemas.js';

/** The viewer, as services of the space take it. */
export type SpaceViewer = { id: string; locale: string };
/** What a viewer may do in a group's space. */
export type SpaceAccess = { canPost: boolean; moderator: boolean; notifyMode: NotifyMode | null };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Who sees a group's space: its active members (not those of its sub-groups), its observers, and staff
 * who may read the group (a limited manager: only the groups it manages). Who sees a session's
 * discussion: those enrolled in it, its referent, admins and owners. Anyone else — archived members,
 * other organizations — gets 404, as if the space did not exist.
 */
export async function assertSpaceAccess(ctx: AppContext, o: { orgId: string; space: SpaceRef; viewer: SpaceViewer }): Promise<SpaceAccess> {
  if (o.space.kind === 'session') return assertSessionAccess(ctx, { orgId: o.orgId, sessionId: o.space.id, viewer: o.viewer });
  if (!UUID.test(o.orgId)) throw notFound('Group');
  const row = await findSpaceAccess(ctx.db, { orgId: o.orgId, groupId: o.space.id, accountId: o.viewer.id });
  if (!row) throw notFound('Group');
  const staff = can(row.role, 'groups.read') && (row.role !== 'manager_limited' || row.inScope);
  if (!row.member && !row.observer && !staff) throw notFound('Group');
  const notifyMode = row.observer ? await findNotifyMode(ctx.db, { orgId: o.orgId, groupId: o.space.id, accountId: o.viewer.id }) : null;
  return { canPost: true, moderator: row.observer || row.role === 'owner' || row.role === 'admin', notifyMode };
}

async function assertSessionAccess(ctx: AppContext, o: { orgId: string; sessionId: string; viewer: SpaceViewer }): Promise<SpaceAccess> {
  if (!UUID.test(o.orgId)) throw notFound('Session');
  const row = await findSessionAccess(ctx.db, { orgId: o.orgId, sessionId: o.sessionId, accountId: o.viewer.id });
  const admin = row?.role === 'owner' || row?.role === 'admin';
  if (!row || !(row.enrolled || row.referent || admin)) throw notFound('Session');
  return { canPost: true, moderator: row.referent || admin, notifyMode: null };
}

/** Trims a post or comment; empty or longer than BODY_MAX is a 422 naming the field and the limit, in the viewer's language. */
export function cleanBody(body: string, locale: string): string {
  const t = translator(locale);
  const text = body.trim();
  if (text.length === 0) throw invalidField('body', t('errors.space.bodyEmpty'), 'body_empty');
  if (text.length > BODY_MAX) {
    const message = t('errors.space.bodyTooLong', { max: BODY_MAX.toLocaleString(locale), count: text.length });
    throw new AppError(422, 'body_too_long', message, { fields: { body: message }, max: BODY_MAX, length: text.length });
  }
  return text;
}

/** A 403 in the viewer's language: it sees the post or comment but may not change it. */
export const notYours = (locale: string) => new AppError(403, 'forbidden', translator(locale)('errors.space.notAllowed'));
