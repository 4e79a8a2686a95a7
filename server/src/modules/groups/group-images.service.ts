import { sql } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import { AppError, notFound } from '../../http/errors.js';
import { recordAudit } from '../audit/audit.service.js';
import type { Actor } from './groups.service.js';
import { queryRows, tsParam } from '../../lib/sql.js';

export const IMAGE_MAX_BYTES = 5 * 1024 * 1024;
export type ImageKind = 'logo' | 'background';
type ImageType = { ext: 'png' | 'jpg' | 'webp'; mime: string };

const COLUMN: Record<ImageKind, string> = { logo: 'logo_key', background: 'background_key' };
const MIME = { png: 'image/png', jpg: 'image/jpeg', webp: 'image/webp' };
const MIME_BY_EXT: ReadonlyMap<string, string> = new Map(Object.entries(MIME));

/** The image type read from the first bytes (never from the file name or the declared type). */
export function detectImage(b: Buffer): ImageType | null {
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return { ext: 'png', mime: MIME.png };
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return { ext: 'jpg', mime: MIME.jpg };
  if (b.length >= 16 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP')
    return { ext: 'webp', mime: MIME.webp };
  return null;
}

export const invalidImage = (kind: ImageKind, why = 'must be a PNG, JPEG or WebP image') =>
  new AppError(422, 'invalid_image', `The ${kind} ${why}.`, { fields: { [kind]: `Choose a PNG, JPEG or WebP image of at most 5 MB.` } });

/** The public URL of a group image; `v` changes with the file so browsers do not show a stale one. */
export function imageUrl(orgId: string, groupId: string, kind: ImageKind, key: string | null): string | null {
  if (!key) return null;
  const version = (key.split('/').at(-1) ?? '').split('.')[0]?.slice(0, 10);
  return `/api/v1/orgs/${orgId}/groups/${groupId}/${kind}?v=${version}`;
}

/** Stores a new logo or background under a generated name; the previous file goes after the commit. */
export async function setGroupImage(
  ctx: Pick<AppContext, 'db' | 'clock' | 'storage'>,
  o: { actor: Actor; orgId: string; groupId: string; kind: ImageKind; bytes: Buffer },
) {
  const type = detectImage(o.bytes);
  if (!type) throw invalidImage(o.kind);
  const column = sql.raw(COLUMN[o.kind]);
  const [exists] = await queryRows(ctx.db, sql`SELECT 1 FROM groups WHERE org_id = ${o.orgId} AND id = ${o.groupId}`);
  if (!exists) throw notFound('Group');
  const key = await ctx.storage.put('group-images', o.bytes, type.ext);
  let previous: string | null = null;
  try {
    await ctx.db.transaction(async (tx) => {
      const [row] = await queryRows<{ old: string | null }>(
        tx,
        sql`SELECT ${column} AS old FROM groups WHERE org_id = ${o.orgId} AND id = ${o.groupId} FOR NO KEY UPDATE`,
      );
      if (!row) throw notFound('Group');
      previous = row.old;
      await tx.execute(
        sql`UPDATE groups SET ${column} = ${key}, updated_at = ${tsParam(ctx.clock.now())} WHERE org_id = ${o.orgId} AND id = ${o.groupId}`,
      );
      await recordAudit(tx, {
        orgId: o.orgId,
        actor: o.actor,
        action: `group.${o.kind}_updated`,
        targetType: 'group',
        targetId: o.groupId,
        ip: o.actor.ip,
        data: { type: type.mime, bytes: o.bytes.length },
      });
    });
  } catch (err) {
    await ctx.storage.remove(key).catch(() => {});
    throw err;
  }
  if (previous) await ctx.storage.remove(previous).catch(() => {});
  return imageUrl(o.orgId, o.groupId, o.kind, key);
}

/** Removes a group's logo or background. */
export async function removeGroupImage(
  ctx: Pick<AppContext, 'db' | 'clock' | 'storage'>,
  o: { actor: Actor; orgId: string; groupId: string; kind: ImageKind },
) {
  const column = sql.raw(COLUMN[o.kind]);
  const previous = await ctx.db.transaction(async (tx) => {
    const [row] = await queryRows<{ old: string | null }>(
      tx,
      sql`SELECT ${column} AS old FROM groups WHERE org_id = ${o.orgId} AND id = ${o.groupId} FOR NO KEY UPDATE`,
    );
    if (!row) throw notFound('Group');
    if (!row.old) return null;
    await tx.execute(
      sql`UPDATE groups SET ${column} = NULL, updated_at = ${tsParam(ctx.clock.now())} WHERE org_id = ${o.orgId} AND id = ${o.groupId}`,
    );
    await recordAudit(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: `group.${o.kind}_removed`,
      targetType: 'group',
      targetId: o.groupId,
      ip: o.actor.ip,
    });
    return row.old;
  });
  if (previous) await ctx.storage.remove(previous).catch(() => {});
}

/** Where a group's image is stored and its type; 404 when the group or the image is absent. */
export async function findGroupImage(ctx: Pick<AppContext, 'db'>, o: { orgId: string; groupId: string; kind: ImageKind }) {
  const [row] = await queryRows<{ key: string | null }>(
    ctx.db,
    sql`SELECT ${sql.raw(COLUMN[o.kind])} AS key FROM groups WHERE org_id = ${o.orgId} AND id = ${o.groupId}`,
  );
  if (!row?.key) throw notFound(o.kind === 'logo' ? 'Logo' : 'Background image');
  return { key: row.key, mime: MIME_BY_EXT.get(row.key.split('.').pop() ?? '') ?? 'application/octet-stream' };
}
