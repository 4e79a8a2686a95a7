import { orgKey, useOrg, usePermissions } from '../orgs/orgs.api';
import { SeatsCard } from './seats-card';

/** Settings → Seats of the organization. */
export function OrgSeatsCard({ orgId }: { orgId: string }) {
  const org = useOrg(orgId);
  const allowed = usePermissions(orgId).can('seats.manage');
  return <SeatsCard seats={org.data} path={`/api/v1/orgs/${orgId}`} queryKey={orgKey(orgId)} allowed={allowed} />;
}
