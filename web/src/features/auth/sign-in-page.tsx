import { Anchor, Button, Group, Stack } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { isApiError } from '../../api/client';
import { ErrorAlert, useServerErrors } from '../../components/api-error';
import { PasswordField } from '../../components/password-field';
import { PublicLayout } from '../../components/public-layout';
import { rules, safeNext } from '../../components/validators';
import { meKey, useMe } from '../account/session';
import { EmailField, OtherFormLink, useResendVerification } from './auth-parts';
import { authApi, type Credentials } from './auth.api';

export function SignInPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const queryClient = useQueryClient();
  const me = useMe();
  const r = rules(t);

  const form = useForm<Credentials>({
    initialValues: { email: '', password: '' },
    validate: { email: r.email, password: r.required },
  });
  const server = useServerErrors(form, ['email', 'password']);

  const login = useMutation({
    mutationFn: authApi.login,
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: meKey });
      navigate(safeNext(params.get('next')) ?? '/', { replace: true });
    },
    onError: server.handle,
  });

  const resend = useResendVerification();

  if (me.data && !login.isPending) return <Navigate to={safeNext(params.get('next')) ?? '/'} replace />;

  return (
    <PublicLayout title={t('auth.signIn.title')}>
      <form
        noValidate
        onSubmit={form.onSubmit((values) => {
          server.clear();
          login.mutate({ email: values.email.trim(), password: values.password });
        })}
      >
        <Stack gap="md">
          <EmailField {...form.getInputProps('email')} />
          <PasswordField label={t('fields.password')} autoComplete="current-password" withAsterisk {...form.getInputProps('password')} />
          <Group justify="flex-end">
            <Anchor component={Link} to="/forgot-password" size="sm">
              {t('auth.signIn.forgot')}
            </Anchor>
          </Group>
          <ErrorAlert error={server.error}>
            {isApiError(server.error, 'email_not_verified') && (
              <Button
                variant="white"
                size="compact-sm"
                mt="xs"
                loading={resend.isPending}
                onClick={() => resend.mutate(form.values.email.trim())}
              >
                {t('auth.verify.resend')}
              </Button>
            )}
          </ErrorAlert>
          <Button type="submit" loading={login.isPending} fullWidth>
            {t('auth.signIn.submit')}
          </Button>
          <OtherFormLink question={t('auth.signIn.noAccount')} to="/register" label={t('auth.signIn.register')} />
        </Stack>
      </form>
    </PublicLayout>
  );
}
