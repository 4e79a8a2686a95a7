import { Anchor, Button, Checkbox, Stack } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ErrorAlert, useServerErrors } from '../../components/api-error';
import { NewPasswordField } from '../../components/password-field';
import { rules } from '../../components/validators';
import { TokenLinkPage, useLinkToken } from './auth-parts';
import { authApi } from './auth.api';

type Values = { password: string; signOutOtherSessions: boolean };

export function ResetPasswordPage() {
  const { t } = useTranslation();
  const token = useLinkToken();
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

  return (
    <TokenLinkPage
      title={t('auth.reset.title')}
      token={token}
      done={reset.isSuccess}
      doneTitle={t('auth.reset.doneTitle')}
      doneText={t('auth.reset.doneText')}
    >
      <form
        noValidate
        onSubmit={form.onSubmit((values) => {
          server.clear();
          reset.mutate(values);
        })}
      >
        <Stack gap="md">
          <NewPasswordField label={t('fields.newPassword')} {...form.getInputProps('password')} />
          <Checkbox label={t('auth.reset.signOutOthers')} {...form.getInputProps('signOutOtherSessions', { type: 'checkbox' })} />
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
    </TokenLinkPage>
  );
}
