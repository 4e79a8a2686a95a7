import { Alert, Anchor, Button, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ErrorAlert, useServerErrors } from '../../components/api-error';
import { PublicLayout } from '../../components/public-layout';
import { rules } from '../../components/validators';
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
            <TextInput
              label={t('fields.email')}
              type="email"
              autoComplete="email"
              withAsterisk
              {...form.getInputProps('email')}
            />
            <ErrorAlert error={server.error} />
            <Button type="submit" loading={send.isPending} fullWidth>
              {t('auth.forgot.submit')}
            </Button>
          </Stack>
        </form>
      )}
      <Anchor component={Link} to="/sign-in" ta="center">
        {t('auth.backToSignIn')}
      </Anchor>
    </PublicLayout>
  );
}
