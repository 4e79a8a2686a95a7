import { Button, Text } from '@mantine/core';
import { Link, useLocation } from 'react-router';
import { isApiError } from '../../api/client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/api-error';
import { meKey } from '../account/session';
import { TokenLinkPage, useLinkToken } from '../auth/auth-parts';
import { emailChangeApi, pendingEmailChangeKey } from './email-change.api';

/** The link mailed to a new address: opening it changes nothing (mail scanners open links); the person confirms. */
export function ConfirmEmailPage() {
  const { t } = useTranslation();
  const token = useLinkToken();
  const queryClient = useQueryClient();
  const location = useLocation();
  const confirm = useMutation({
    mutationFn: () => emailChangeApi.confirm(token),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: meKey });
      await queryClient.invalidateQueries({ queryKey: pendingEmailChangeKey });
    },
  });
  return (
    <TokenLinkPage
      title={t('emailChange.confirm.title')}
      token={token}
      done={confirm.isSuccess}
      doneTitle={t('emailChange.confirm.doneTitle')}
      doneText={t('emailChange.confirm.doneText', { email: confirm.data?.email ?? '' })}
    >
      <Text>{t('emailChange.confirm.text')}</Text>
      {isApiError(confirm.error, 'sign_in_to_confirm') ? (
        <ErrorAlert error={confirm.error}>
          <Button
            component={Link}
            to={`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`}
            variant="light"
            size="xs"
            mt="sm"
          >
            {t('emailChange.confirm.signIn')}
          </Button>
        </ErrorAlert>
      ) : (
        <ErrorAlert error={confirm.error}>
          <Text size="sm" mt="xs">
            {t('emailChange.confirm.failedHelp')}
          </Text>
        </ErrorAlert>
      )}
      <Button onClick={() => confirm.mutate()} loading={confirm.isPending} fullWidth>
        {t('emailChange.confirm.action')}
      </Button>
    </TokenLinkPage>
  );
}
