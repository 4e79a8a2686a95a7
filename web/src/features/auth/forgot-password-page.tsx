import { Alert, Button, Stack, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ErrorAlert, useServerErrors } from '../../components/api-error';
import { PublicLayout } from '../../components/public-layout';
import { rules } from '../../components/validators';
import { BackToSignInLink, EmailField } from './auth-parts';
import { authApi } from './auth.api';

export function ForgotPasswordPage() {
  const { t } = useTranslation();
  const form = useForm({ initialValues: { email: '' }, validate: { email: rules(t).email } });
  const server = useServerErrors(form, ['email']);
  const send = useMutation({
    mutationFn: (email: string) => authApi.forgotPassword(email),
    onError: server.handle,
  });

  return (
    <PublicLayout title={t('auth.forgot.title')}>
      {send.isSuccess ? (
        <Alert color="green" variant="light" role="status">
          {t('auth.forgot.sent', { email: send.variables })}
        </Alert>
      ) : (
        <form
          noValidate
          onSubmit={form.onSubmit((values) => {
            server.clear();
            send.mutate(values.email.trim());
          })}
        >
          <Stack gap="md">
            <Text size="sm">{t('auth.forgot.text')}</Text>
            <EmailField {...form.getInputProps('email')} />
            <ErrorAlert error={server.error} />
            <Button type="submit" loading={send.isPending} fullWidth>
              {t('auth.forgot.submit')}
            </Button>
          </Stack>
        </form>
      )}
      <BackToSignInLink />
    </PublicLayout>
  );
}
