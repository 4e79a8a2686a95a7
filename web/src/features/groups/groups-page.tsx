import { useTranslation } from 'react-i18next';
import { EmptyPage } from '../../components/empty-page';

/** Placeholder until the groups list is built: says what to do first. */
export function GroupsPage() {
  const { t } = useTranslation();
  return <EmptyPage title={t('nav.groups')} emptyTitle={t('groups.empty.title')} emptyText={t('groups.empty.text')} />;
}
