import { Alert, Anchor, Button, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { ErrorAlert } from '../../components/api-error';
import { PublicLayout } from '../../components/public-layout';
import { authApi } from './auth.api';

/** Opening the link does nothing by itself (mail scanners open links): the person confirms. */
export function VerifyEmailPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const verify = useMutation({ mutationFn: () => authApi.verifyEmail(token) });

  if (verify.isSuccess) {
    return (
      <PublicLayout title={t('auth.verify.doneTitle')}>
        <Alert color="green" variant="light" role="status">
          {t('auth.verify.doneText')}
        </Alert>
        <Button component={Link} to="/sign-in" fullWidth>
          {t('auth.signIn.submit')}
        </Button>
      </PublicLayout>
    );
  }

  return (
    <PublicLayout title={t('auth.verify.title')}>
      {token ? (
        <>
          <Text>{t('auth.verify.text')}</Text>
          <ErrorAlert error={verify.error}>
            <Text size="sm" mt="xs">
              {t('auth.verify.failedHelp')}
            </Text>
          </ErrorAlert>
          <Button onClick={() => verify.mutate()} loading={verify.isPending} fullWidth>
            {t('auth.verify.confirm')}
          </Button>
        </>
      ) : (
        <Alert color="red" variant="light" role="alert">
          {t('auth.incompleteLink')}
        </Alert>
      )}
      <Anchor component={Link} to="/sign-in" ta="center">
        {t('auth.backToSignIn')}
      </Anchor>
    </PublicLayout>
  );
}
