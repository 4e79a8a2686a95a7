import { DatesProvider } from '@mantine/dates';
import 'dayjs/locale/fr';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { toLanguage } from './i18n';

/** Calendars in the reader's language, weeks starting on Monday in French and Sunday in English. */
export function DatesLocale({ children }: { children: ReactNode }) {
  const { i18n } = useTranslation();
  const language = toLanguage(i18n.language) ?? 'en';
  return <DatesProvider settings={{ locale: language, firstDayOfWeek: language === 'fr' ? 1 : 0 }}>{children}</DatesProvider>;
}
