import i18next, { type TFunction } from 'i18next';
import en from './en.json' with { type: 'json' };
import fr from './fr.json' with { type: 'json' };

export const LOCALES = ['en', 'fr'] as const;
export type Locale = (typeof LOCALES)[number];

const instance = i18next.createInstance();
void instance.init({
  resources: { en: { translation: en }, fr: { translation: fr } },
  lng: 'en',
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
  initAsync: false,
});

/** A translation function for one locale (server-side text: emails, error pages). */
export function translator(locale: string): TFunction {
  return instance.getFixedT(LOCALES.includes(locale as Locale) ? locale : 'en');
}

/** Picks en or fr from an Accept-Language header. */
export function localeFromHeader(header: string | undefined): Locale {
  return header && /^fr\b/i.test(header.trim()) ? 'fr' : 'en';
}

/** The raw text of a key in one locale (no fallback), or undefined when that locale lacks it. */
export function template(locale: Locale, key: string): string | undefined {
  const value: unknown = instance.getResource(locale, 'translation', key);
  return typeof value === 'string' ? value : undefined;
}

/** The locale of a reader: their account's, else their browser's (Accept-Language), else English. */
export function readerLocale(accountLocale: string | null | undefined, acceptLanguage: string | undefined): Locale {
  if (accountLocale && LOCALES.includes(accountLocale as Locale)) return accountLocale as Locale;
  return localeFromHeader(acceptLanguage);
}
