import { useTranslation } from 'react-i18next';
import { EmptyPage } from '../../components/empty-page';

/** Placeholder until the programs list is built: says what to do first. */
export function ProgramsPage() {
  const { t } = useTranslation();
  return <EmptyPage title={t('nav.programs')} emptyTitle={t('programs.empty.title')} emptyText={t('programs.empty.text')} />;
}
