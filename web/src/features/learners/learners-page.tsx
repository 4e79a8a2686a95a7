import { useTranslation } from 'react-i18next';
import { EmptyPage } from '../../components/empty-page';

/** Placeholder until the learners list is built: says what to do first. */
export function LearnersPage() {
  const { t } = useTranslation();
  return <EmptyPage title={t('nav.learners')} emptyTitle={t('learners.empty.title')} emptyText={t('learners.empty.text')} />;
}
