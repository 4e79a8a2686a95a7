import { SegmentedControl } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { LANGUAGES, type Language, storeLanguage, toLanguage } from '../app/i18n';
import { meKey, useMe } from '../features/account/session';

/** English/Français switch; remembered in this browser and on the account when signed in. */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const me = useMe().data;
  const queryClient = useQueryClient();
  const current = toLanguage(i18n.language) ?? 'en';

  const change = async (value: string) => {
    const language = value as Language;
    storeLanguage(language);
    await i18n.changeLanguage(language);
    if (me) {
      api
        .patch('/api/v1/me', { locale: language })
        .then(() => queryClient.invalidateQueries({ queryKey: meKey }))
        .catch(() => {
          // The choice still applies in this browser; the server copy is only for emails.
        });
    }
  };

  return (
    <SegmentedControl
      size="xs"
      aria-label={t('language.label')}
      value={current}
      onChange={(value) => void change(value)}
      data={LANGUAGES.map((l) => ({
        value: l.code,
        label: <span lang={l.code}>{l.label}</span>,
      }))}
    />
  );
}
