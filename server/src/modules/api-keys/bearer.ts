import type { AppContext } from '../../context.js';
import type { BearerAccess } from '../../http/auth.js';
import { authenticateApiKey } from './api-keys.service.js';
import { API_KEY_ROLE, permissionsOfScopes } from './scopes.js';

/** Resolves `Authorization: Bearer trp_…` into the organization access the key's scopes grant. */
export async function resolveApiKey(ctx: AppContext, secret: string, ip: string): Promise<BearerAccess> {
  const key = await authenticateApiKey(ctx, secret, ip);
  return {
    keyId: key.id,
    orgId: key.orgId,
    role: API_KEY_ROLE,
    permissions: permissionsOfScopes(key.scopes),
    // Services record an actor: the key acts under its creator's account id, named after the key.
    account: { id: key.creator.id, email: key.creator.email, name: `API key ${key.name} (${key.prefix}…)`, locale: 'en' },
  };
}
