import { useTranslation } from 'react-i18next';
import { EmptyPage } from '../../components/empty-page';

/** Placeholder until the invitations list is built: says what to do first. */
export function InvitationsPage() {
  const { t } = useTranslation();
  return <EmptyPage title={t('nav.invitations')} emptyTitle={t('invitations.empty.title')} emptyText={t('invitations.empty.text')} />;
}
