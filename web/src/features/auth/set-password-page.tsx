import { Anchor, Button, Stack, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ErrorAlert, useServerErrors } from '../../components/api-error';
import { NewPasswordField } from '../../components/password-field';
import { rules } from '../../components/validators';
import { TokenLinkPage, useLinkToken } from './auth-parts';
import { authApi } from './auth.api';

/** The first password of an account an organization created (link from the welcome email). */
export function SetPasswordPage() {
  const { t } = useTranslation();
  const token = useLinkToken();
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

  return (
    <TokenLinkPage
      title={t('auth.setPassword.title')}
      token={token}
      done={set.isSuccess}
      doneTitle={t('auth.setPassword.doneTitle')}
      doneText={t('auth.setPassword.doneText')}
    >
      <form
        noValidate
        onSubmit={form.onSubmit((values) => {
          server.clear();
          set.mutate(values.password);
        })}
      >
        <Stack gap="md">
          <Text size="sm">{t('auth.setPassword.text')}</Text>
          <NewPasswordField label={t('fields.newPassword')} {...form.getInputProps('password')} />
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
    </TokenLinkPage>
  );
}
