import { Alert, Anchor, Button, Checkbox, Stack } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { PasswordField } from '../../components/password-field';
import { ErrorAlert, useServerErrors } from '../../components/api-error';
import { PublicLayout } from '../../components/public-layout';
import { MIN_PASSWORD_LENGTH, rules } from '../../components/validators';
import { authApi } from './auth.api';

type Values = { password: string; signOutOtherSessions: boolean };

export function ResetPasswordPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const form = useForm<Values>({
    initialValues: { password: '', signOutOtherSessions: true },
    validate: { password: rules(t).password },
    validateInputOnBlur: true,
  });
  const server = useServerErrors(form, ['password']);
  const reset = useMutation({
    mutationFn: (values: Values) => authApi.resetPassword({ token, ...values }),
    onError: server.handle,
  });

  if (reset.isSuccess) {
    return (
      <PublicLayout title={t('auth.reset.doneTitle')}>
        <Alert color="green" variant="light" role="status">
          {t('auth.reset.doneText')}
        </Alert>
        <Button component={Link} to="/sign-in" fullWidth>
          {t('auth.signIn.submit')}
        </Button>
      </PublicLayout>
    );
  }

  return (
    <PublicLayout title={t('auth.reset.title')}>
      {token ? (
        <form
          noValidate
          onSubmit={form.onSubmit((values) => {
            server.clear();
            reset.mutate(values);
          })}
        >
          <Stack gap="md">
            <PasswordField
              label={t('fields.newPassword')}
              description={t('validation.passwordHint', { count: MIN_PASSWORD_LENGTH })}
              autoComplete="new-password"
              withAsterisk
              {...form.getInputProps('password')}
            />
            <Checkbox
              label={t('auth.reset.signOutOthers')}
              {...form.getInputProps('signOutOtherSessions', { type: 'checkbox' })}
            />
            <ErrorAlert error={server.error}>
              {server.error ? (
                <Anchor component={Link} to="/forgot-password" display="block" mt="xs" size="sm">
                  {t('auth.reset.askAgain')}
                </Anchor>
              ) : null}
            </ErrorAlert>
            <Button type="submit" loading={reset.isPending} fullWidth>
              {t('auth.reset.submit')}
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
