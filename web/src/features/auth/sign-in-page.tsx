import { Anchor, Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notify } from '../../components/notify';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { isApiError } from '../../api/client';
import { PasswordField } from '../../components/password-field';
import { ErrorAlert, useDescribeError, useServerErrors } from '../../components/api-error';
import { PublicLayout } from '../../components/public-layout';
import { rules, safeNext } from '../../components/validators';
import { meKey, useMe } from '../account/session';
import { authApi, type Credentials } from './auth.api';

export function SignInPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const queryClient = useQueryClient();
  const me = useMe();
  const describe = useDescribeError();
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

  const resend = useMutation({
    mutationFn: () => authApi.resendVerification(form.values.email.trim()),
    onSuccess: () =>
      notify.success(t('auth.verify.resent', { email: form.values.email.trim() })),
    onError: (error) => notify.error(describe(error)),
  });

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
          <TextInput
            label={t('fields.email')}
            type="email"
            autoComplete="email"
            withAsterisk
            {...form.getInputProps('email')}
          />
          <PasswordField
            label={t('fields.password')}
            autoComplete="current-password"
            withAsterisk
            {...form.getInputProps('password')}
          />
          <Group justify="flex-end">
            <Anchor component={Link} to="/forgot-password" size="sm">
              {t('auth.signIn.forgot')}
            </Anchor>
          </Group>
          <ErrorAlert error={server.error}>
            {isApiError(server.error, 'email_not_verified') && (
              <Button variant="white" size="compact-sm" mt="xs" loading={resend.isPending} onClick={() => resend.mutate()}>
                {t('auth.verify.resend')}
              </Button>
            )}
          </ErrorAlert>
          <Button type="submit" loading={login.isPending} fullWidth>
            {t('auth.signIn.submit')}
          </Button>
          <Text size="sm" ta="center">
            {t('auth.signIn.noAccount')}{' '}
            <Anchor component={Link} to="/register">
              {t('auth.signIn.register')}
            </Anchor>
          </Text>
        </Stack>
      </form>
    </PublicLayout>
  );
}
