import { z } from 'zod';

const claimName = z.string().trim().min(1).max(100);
const connectionFields = {
  name: z.string().trim().min(1, 'Enter a name.').max(200),
  issuer: z.url({ protocol: /^https?$/, error: 'Enter the issuer URL of your identity provider.' }).max(500),
  clientId: z.string().trim().min(1, 'Enter the client id.').max(500),
  clientSecret: z.string().min(1, 'Enter the client secret.').max(2000),
  scopes: z
    .string()
    .trim()
    .max(500)
    .regex(/(^|\s)openid(\s|$)/, 'The scopes must include openid.'),
  nameClaim: claimName,
  localeClaim: claimName,
  groupsClaim: claimName.nullable(),
  groupMap: z.record(z.string().max(200), z.array(z.guid()).max(50)).refine((m) => Object.keys(m).length <= 500, 'At most 500 values.'),
  defaultRole: z.enum(['learner', 'guest']),
  defaultGroupIds: z.array(z.guid()).max(50),
  domainIds: z.array(z.guid()).max(50).describe('Verified domains of the organization whose addresses sign in with this connection.'),
};

export const createConnectionBody = z.strictObject({
  ...connectionFields,
  scopes: connectionFields.scopes.optional(),
  nameClaim: claimName.optional(),
  localeClaim: claimName.optional(),
  groupsClaim: connectionFields.groupsClaim.optional(),
  groupMap: connectionFields.groupMap.optional(),
  defaultRole: connectionFields.defaultRole.optional(),
  defaultGroupIds: connectionFields.defaultGroupIds.optional(),
  domainIds: connectionFields.domainIds.optional(),
});
export const updateConnectionBody = createConnectionBody.partial();

export const connectionParams = z.object({ orgId: z.string(), connectionId: z.guid() });
export const orgParams = z.object({ orgId: z.string() });

export const connectionOut = z.object({
  id: z.string(),
  name: z.string(),
  issuer: z.string(),
  clientId: z.string(),
  hasClientSecret: z.boolean(),
  scopes: z.string(),
  nameClaim: z.string(),
  localeClaim: z.string(),
  groupsClaim: z.string().nullable(),
  groupMap: z.record(z.string(), z.array(z.string())),
  defaultRole: z.enum(['learner', 'guest']),
  defaultGroupIds: z.array(z.string()),
  domains: z.array(z.object({ id: z.string(), domain: z.string(), enforced: z.boolean() })),
  redirectUri: z.string().describe('Register this redirect URI with the identity provider.'),
  createdAt: z.string(),
});

export const redirectOut = z.object({ redirectUrl: z.string() });
export const testResultOut = z.object({ claims: z.record(z.string(), z.unknown()), at: z.string() });

export const startQuery = z.object({
  email: z.string().max(320).optional(),
  org: z.string().max(100).optional().describe('An organization slug: its connection ("Sign in with <organization>").'),
  check: z.enum(['true', 'false']).optional().describe('Only say which method applies; start nothing.'),
});
export const startOut = z.object({
  method: z.enum(['password', 'sso']),
  redirectUrl: z.string().optional(),
  organization: z.string().optional(),
});
const param = z.string().max(4000).optional();
export const callbackQuery = z.looseObject({
  code: param,
  state: param,
  iss: param,
  error: param,
  error_description: param,
  session_state: param,
});
