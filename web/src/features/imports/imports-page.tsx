import { useTranslation } from 'react-i18next';
import { EmptyPage } from '../../components/empty-page';

/** Placeholder until the imports list is built: says what to do first. */
export function ImportsPage() {
  const { t } = useTranslation();
  return <EmptyPage title={t('nav.imports')} emptyTitle={t('imports.empty.title')} emptyText={t('imports.empty.text')} />;
}
