import { Alert, Card, Stack, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../app/format';
import { notify } from '../../components/notify';
import { useSignedIn } from '../account/session';
import { ChangeEmailForm } from './change-email-form';
import { emailChangeApi, pendingEmailChangeKey, usePendingEmailChange } from './email-change.api';

/** The account page's address section: the current address, a change waiting for its link, and the form. */
export function ChangeEmailCard() {
  const { t } = useTranslation();
  const { dateTime } = useFormat();
  const { account } = useSignedIn();
  const pending = usePendingEmailChange();
  const queryClient = useQueryClient();
  const p = pending.data?.pending;
  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="email-change-title">
      <Stack gap="md">
        <Title order={2} size="h3" id="email-change-title">
          {t('emailChange.self.title')}
        </Title>
        <Text size="sm">{t('emailChange.self.current', { email: account.email })}</Text>
        {p && (
          <Alert color="blue" variant="light" role="status" title={t('emailChange.self.pendingTitle')}>
            {t('emailChange.self.pending', { email: p.newEmail, until: dateTime(p.expiresAt), current: account.email })}
          </Alert>
        )}
        <Text size="sm" c="dimmed">
          {t('emailChange.self.text')}
        </Text>
        <ChangeEmailForm
          send={emailChangeApi.changeOwn}
          onDone={async (answer) => {
            notify.success(t('emailChange.sent', { email: answer.email }));
            await queryClient.invalidateQueries({ queryKey: pendingEmailChangeKey });
          }}
        />
      </Stack>
    </Card>
  );
}
