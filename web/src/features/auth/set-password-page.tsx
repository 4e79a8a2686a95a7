import { Alert, Anchor, Button, Stack, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { ErrorAlert, useServerErrors } from '../../components/api-error';
import { PasswordField } from '../../components/password-field';
import { PublicLayout } from '../../components/public-layout';
import { MIN_PASSWORD_LENGTH, rules } from '../../components/validators';
import { authApi } from './auth.api';

/** The first password of an account an organization created (link from the welcome email). */
export function SetPasswordPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const form = useForm({
    initialValues: { password: '' },
    validate: { password: rules(t).password },
    validateInputOnBlur: true,
  });
  const server = useServerErrors(form, ['password']);
  const set = useMutation({
    mutationFn: (password: string) => authApi.setPassword({ token, password }),
    onError: server.handle,
  });

  if (set.isSuccess) {
    return (
      <PublicLayout title={t('auth.setPassword.doneTitle')}>
        <Alert color="green" variant="light" role="status">
          {t('auth.setPassword.doneText')}
        </Alert>
        <Button component={Link} to="/sign-in" fullWidth>
          {t('auth.signIn.submit')}
        </Button>
      </PublicLayout>
    );
  }

  return (
    <PublicLayout title={t('auth.setPassword.title')}>
      {token ? (
        <form
          noValidate
          onSubmit={form.onSubmit((values) => {
            server.clear();
            set.mutate(values.password);
          })}
        >
          <Stack gap="md">
            <Text size="sm">{t('auth.setPassword.text')}</Text>
            <PasswordField
              label={t('fields.newPassword')}
              description={t('validation.passwordHint', { count: MIN_PASSWORD_LENGTH })}
              autoComplete="new-password"
              withAsterisk
              {...form.getInputProps('password')}
            />
            <ErrorAlert error={server.error}>
              {server.error ? (
                <Text size="sm" mt="xs">
                  {t('auth.setPassword.failedHelp')}{' '}
                  <Anchor component={Link} to="/forgot-password" size="sm">
                    {t('auth.reset.askAgain')}
                  </Anchor>
                </Text>
              ) : null}
            </ErrorAlert>
            <Button type="submit" loading={set.isPending} fullWidth>
              {t('auth.setPassword.submit')}
            </Button>
          </Stack>
        </form>
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
