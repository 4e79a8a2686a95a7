import type { AppContext } from '../../context.js';
import { AppError, notFound } from '../../http/errors.js';
import { recordAudit } from '../audit/audit.service.js';
import { readDigestToken } from './digest-links.js';
import { listPrefs, setPrefs } from './digest-prefs.repo.js';

// How often an observer gets the digest of each group: from the account page (signed in) or from the
// digest itself (a signed link, no session: the one-click unsubscribe of RFC 8058 and a page to choose).

type Frequency = 'weekly' | 'daily' | 'off';

/** The digest frequencies of the signed-in account, for every group it observes. */
export async function myDigestPrefs(ctx: AppContext, o: { accountId: string }) {
  return { items: await listPrefs(ctx.db, o) };
}

/** Changes one observed group's frequency; a group the account does not observe is not found. */
export async function setMyDigestPref(ctx: AppContext, o: { accountId: string; groupId: string; frequency: Frequency }) {
  const changed = await setPrefs(ctx.db, o);
  if (changed === 0) throw notFound('Group');
  return { items: await listPrefs(ctx.db, { accountId: o.accountId }) };
}

function fromToken(ctx: AppContext, token: string) {
  const who = readDigestToken(ctx.config.sessionSecret, token);
  if (!who) throw new AppError(404, 'digest_link_invalid', 'This link is not valid. Change your digests from your account page.');
  return who;
}

/** What the digest's preferences page shows: the groups of that organization's digest. */
export async function digestPrefsByToken(ctx: AppContext, token: string) {
  return { items: await listPrefs(ctx.db, fromToken(ctx, token)) };
}

/** Changes the frequency of one group (or all) of that organization's digest, from the digest's page. */
export async function setDigestPrefByToken(ctx: AppContext, o: { token: string; frequency: Frequency; groupId?: string }) {
  const who = fromToken(ctx, o.token);
  const changed = await setPrefs(ctx.db, { ...who, frequency: o.frequency, groupId: o.groupId });
  if (o.groupId && changed === 0) throw notFound('Group');
  return { items: await listPrefs(ctx.db, who) };
}

/** The one-click unsubscribe (RFC 8058): no more digests of that organization's groups; recorded in the audit log. */
export async function unsubscribeByToken(ctx: AppContext, token: string) {
  const who = fromToken(ctx, token);
  return ctx.db.transaction(async (tx) => {
    const groups = await setPrefs(tx, { ...who, frequency: 'off' });
    await recordAudit(tx, {
      orgId: who.orgId,
      actor: null,
      action: 'observer.digest_unsubscribed',
      targetType: 'account',
      targetId: who.accountId,
      ip: undefined,
      data: { groups },
    });
    return { frequency: 'off' as const, groups };
  });
}
