import { LinkSsoCard } from '../sso/link-sso-card';
import { Stack, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ChangeEmailCard } from '../email-change/change-email-card';
import { LearnerLayout } from '../home/learner-layout';

/** The signed-in person's own settings, one section per concern. */
export function AccountPage() {
  const { t } = useTranslation();
  return (
    <LearnerLayout>
      <Stack gap="lg" maw={720}>
        <Title order={1}>{t('account.pageTitle')}</Title>
        <ChangeEmailCard />
        <LinkSsoCard />
      </Stack>
    </LearnerLayout>
  );
}
