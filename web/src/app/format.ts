import { useTranslation } from 'react-i18next';
import { intlLocale } from './i18n';

/** Date and number formatters in the reader's language (and region when it matches). */
export function useFormat() {
  const { i18n } = useTranslation();
  const locale = intlLocale(i18n.language);
  return {
    locale,
    dateTime: (iso: string | null | undefined) =>
      iso ? new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)) : '',
    date: (iso: string | null | undefined) => (iso ? new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(new Date(iso)) : ''),
    number: (value: number) => new Intl.NumberFormat(locale).format(value),
  };
}
