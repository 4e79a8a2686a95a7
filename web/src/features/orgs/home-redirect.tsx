import { Navigate } from 'react-router';
import { FullPageLoader } from '../../components/full-page-loader';
import { pickOrg, useMe } from '../account/session';

/** `/` sends people where they work: sign-in, organization creation, or their organization. */
export function HomeRedirect() {
  const me = useMe();
  if (me.isPending) return <FullPageLoader />;
  if (me.isError) throw me.error;
  if (!me.data) return <Navigate to="/sign-in" replace />;
  const orgId = pickOrg(me.data);
  if (!orgId) return <Navigate to="/orgs/new" replace />;
  return <Navigate to={`/orgs/${orgId}/learners`} replace />;
}
