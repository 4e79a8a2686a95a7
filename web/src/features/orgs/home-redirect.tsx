import { Navigate } from 'react-router';
import { FullPageLoader } from '../../components/full-page-loader';
import { isLearnerOnly, pickOrg, useMe } from '../account/session';

/** `/` sends people where they work: sign-in, their learner home, organization creation, or their organization. */
export function HomeRedirect() {
  const me = useMe();
  if (me.isPending) return <FullPageLoader />;
  if (me.isError) throw me.error;
  if (!me.data) return <Navigate to="/sign-in" replace />;
  if (isLearnerOnly(me.data)) return <Navigate to="/home" replace />;
  const orgId = pickOrg(me.data);
  if (!orgId) return <Navigate to="/orgs/new" replace />;
  return <Navigate to={`/orgs/${orgId}/learners`} replace />;
}
