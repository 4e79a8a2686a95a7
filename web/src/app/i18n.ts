import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from '../locales/en.json';
import fr from '../locales/fr.json';
import joinPageEn from '../locales/join-page.en.json';
import joinPageFr from '../locales/join-page.fr.json';
import invitationsEn from '../locales/invitations.en.json';
import invitationsFr from '../locales/invitations.fr.json';
import importsEn from '../locales/imports.en.json';
import importsFr from '../locales/imports.fr.json';
import apiKeysEn from '../locales/api-keys.en.json';
import apiKeysFr from '../locales/api-keys.fr.json';
import scimEn from '../locales/scim.en.json';
import scimFr from '../locales/scim.fr.json';
import webhooksEn from '../locales/webhooks.en.json';
import webhooksFr from '../locales/webhooks.fr.json';
import spaceEn from '../locales/space.en.json';
import spaceFr from '../locales/space.fr.json';
import accountChangesEn from '../locales/account-changes.en.json';
import accountChangesFr from '../locales/account-changes.fr.json';
import observersEn from '../locales/observers.en.json';
import observersFr from '../locales/observers.fr.json';
import ssoEn from '../locales/sso.en.json';
import ssoFr from '../locales/sso.fr.json';
import domainsEn from '../locales/domains.en.json';
import domainsFr from '../locales/domains.fr.json';
import profileFieldsEn from '../locales/profile-fields.en.json';
import profileFieldsFr from '../locales/profile-fields.fr.json';
import importSyncEn from '../locales/import-sync.en.json';
import importSyncFr from '../locales/import-sync.fr.json';
import importFieldsEn from '../locales/import-fields.en.json';
import importFieldsFr from '../locales/import-fields.fr.json';

export const LANGUAGES = [
  { code: 'en', label: 'English' },
  { code: 'fr', label: 'Français' },
] as const;

export type Language = (typeof LANGUAGES)[number]['code'];

const STORAGE_KEY = 'troupe.language';

/** Narrows any BCP 47 tag ("fr-CA", "en-GB") to a language the app speaks. */
export function toLanguage(tag: string | null | undefined): Language | undefined {
  const base = tag?.toLowerCase().split(/[-_]/)[0];
  return LANGUAGES.find((l) => l.code === base)?.code;
}

/** The language the reader chose with the switch, if they ever did. */
export function storedLanguage(): Language | undefined {
  try {
    return toLanguage(localStorage.getItem(STORAGE_KEY));
  } catch {
    return undefined;
  }
}

export function storeLanguage(language: Language): void {
  try {
    localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
}

function detectLanguage(): Language {
  const stored = storedLanguage();
  if (stored) return stored;
  for (const tag of navigator.languages ?? [navigator.language]) {
    const language = toLanguage(tag);
    if (language) return language;
  }
  return 'en';
}

/** The Intl locale for formatting: the browser's region when it speaks the same language. */
export function intlLocale(language: string = i18n.language): string {
  const browser = navigator.language;
  return toLanguage(browser) === toLanguage(language) ? browser : language;
}

function syncDocument(language: string): void {
  document.documentElement.lang = language;
  document.documentElement.dir = i18n.dir(language);
}

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, fr: { translation: fr } },
  lng: detectLanguage(),
  fallbackLng: 'en',
  supportedLngs: LANGUAGES.map((l) => l.code),
  interpolation: { escapeValue: false },
});

// The join page's strings live in their own files, merged under `joinPage`.
i18n.addResourceBundle('en', 'translation', { joinPage: joinPageEn }, true);
i18n.addResourceBundle('fr', 'translation', { joinPage: joinPageFr }, true);
// Invitations, invitation links and passcodes: merged deeply under `invitations` (keeps `invitations.empty`).
i18n.addResourceBundle('en', 'translation', { invitations: invitationsEn }, true, true);
i18n.addResourceBundle('fr', 'translation', { invitations: invitationsFr }, true, true);
// Imports (upload, preview, progress, history): merged deeply under `imports` (keeps `imports.empty`).
i18n.addResourceBundle('en', 'translation', { imports: importsEn }, true, true);
// issue 12: Settings → API keys, under `apiKeys`.
i18n.addResourceBundle('en', 'translation', { apiKeys: apiKeysEn }, true, true);
i18n.addResourceBundle('fr', 'translation', { apiKeys: apiKeysFr }, true, true);
// issue 13: Settings → Provisioning (SCIM), under `scim`.
i18n.addResourceBundle('en', 'translation', { scim: scimEn }, true, true);
i18n.addResourceBundle('fr', 'translation', { scim: scimFr }, true, true);
i18n.addResourceBundle('en', 'translation', { audit: { actions: scimEn.auditActions } }, true, true);
i18n.addResourceBundle('fr', 'translation', { audit: { actions: scimFr.auditActions } }, true, true);
// issue 12: Settings → Webhooks, under `webhooks`.
i18n.addResourceBundle('en', 'translation', { webhooks: webhooksEn }, true, true);
i18n.addResourceBundle('fr', 'translation', { webhooks: webhooksFr }, true, true);
i18n.addResourceBundle('fr', 'translation', { imports: importsFr }, true, true);
// The group space (posts, comments, the learner's feed), under `space`.
i18n.addResourceBundle('en', 'translation', { space: spaceEn }, true, true);
i18n.addResourceBundle('fr', 'translation', { space: spaceFr }, true, true);
// Issue 14, account changes: `emailChange`, the account page, the invitations' group filter (`account`, `invitations`, `groups`, `errors` keys), merged deeply.
i18n.addResourceBundle('en', 'translation', accountChangesEn, true, true);
i18n.addResourceBundle('fr', 'translation', accountChangesFr, true, true);
// issue 14: the group dashboard, digest preferences and invitation reminders, under `observers`.
i18n.addResourceBundle('en', 'translation', { observers: observersEn }, true, true);
i18n.addResourceBundle('fr', 'translation', { observers: observersFr }, true, true);
// issue 15: profile fields and rule-based groups, under `profileFields`.
i18n.addResourceBundle(
  'en',
  'translation',
  { profileFields: profileFieldsEn, audit: { actions: profileFieldsEn.auditActions } },
  true,
  true,
);
i18n.addResourceBundle(
  'fr',
  'translation',
  { profileFields: profileFieldsFr, audit: { actions: profileFieldsFr.auditActions } },
  true,
  true,
);
// issue 16: single sign-on and seats, under `sso`.
i18n.addResourceBundle('en', 'translation', { sso: ssoEn, audit: { actions: ssoEn.auditActions } }, true, true);
i18n.addResourceBundle('fr', 'translation', { sso: ssoFr, audit: { actions: ssoFr.auditActions } }, true, true);

// issue 16: verified domains, join requests, "Join <organization>?", under `domains`.
i18n.addResourceBundle('en', 'translation', { domains: domainsEn }, true, true);
i18n.addResourceBundle('fr', 'translation', { domains: domainsFr }, true, true);
i18n.addResourceBundle('en', 'translation', { audit: { actions: domainsEn.auditActions, targets: domainsEn.auditTargets } }, true, true);
i18n.addResourceBundle('fr', 'translation', { audit: { actions: domainsFr.auditActions, targets: domainsFr.auditTargets } }, true, true);
// issue 15: imports that update and sync (`importSync`), due dates relative to enrolment (`dueDates`).
i18n.addResourceBundle('en', 'translation', importSyncEn, true, true);
i18n.addResourceBundle('fr', 'translation', importSyncFr, true, true);
// issue 15: profile-field columns of imports (`importFields`).
i18n.addResourceBundle('en', 'translation', importFieldsEn, true, true);
i18n.addResourceBundle('fr', 'translation', importFieldsFr, true, true);

syncDocument(i18n.language);
i18n.on('languageChanged', syncDocument);

export default i18n;
