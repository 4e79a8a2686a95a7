import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useMe } from '../features/account/session';
import { storedLanguage, toLanguage } from './i18n';

/** Adopts the account's language after sign-in, unless this browser chose one explicitly. */
export function LanguageSync() {
  const { i18n } = useTranslation();
  const locale = useMe().data?.account.locale;
  useEffect(() => {
    const language = toLanguage(locale);
    if (language && !storedLanguage() && language !== i18n.language) void i18n.changeLanguage(language);
  }, [locale, i18n]);
  return null;
}
