import { Button, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/api-error';
import { TokenLinkPage, useLinkToken } from './auth-parts';
import { authApi } from './auth.api';

/** Opening the link does nothing by itself (mail scanners open links): the person confirms. */
export function VerifyEmailPage() {
  const { t } = useTranslation();
  const token = useLinkToken();
  const verify = useMutation({ mutationFn: () => authApi.verifyEmail(token) });

  return (
    <TokenLinkPage
      title={t('auth.verify.title')}
      token={token}
      done={verify.isSuccess}
      doneTitle={t('auth.verify.doneTitle')}
      doneText={t('auth.verify.doneText')}
    >
      <Text>{t('auth.verify.text')}</Text>
      <ErrorAlert error={verify.error}>
        <Text size="sm" mt="xs">
          {t('auth.verify.failedHelp')}
        </Text>
      </ErrorAlert>
      <Button onClick={() => verify.mutate()} loading={verify.isPending} fullWidth>
        {t('auth.verify.confirm')}
      </Button>
    </TokenLinkPage>
  );
}
