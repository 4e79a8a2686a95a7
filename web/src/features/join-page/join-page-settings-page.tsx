import { useTranslation } from 'react-i18next';
import { EmptyPage } from '../../components/empty-page';

/** Placeholder until the join page settings are built: says what to do first. */
export function JoinPageSettingsPage() {
  const { t } = useTranslation();
  return <EmptyPage title={t('nav.joinPage')} emptyTitle={t('joinPage.empty.title')} emptyText={t('joinPage.empty.text')} />;
}
