import { Alert, Anchor, Button, Group, Stack } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
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
import { ssoApi } from '../sso/sso.api';

export function SignInPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const queryClient = useQueryClient();
  const me = useMe();
  const r = rules(t);

  // Email first (issue 16): an address whose domain signs in with single sign-on goes to its provider.
  const [sso, setSso] = useState<{ email: string; organization: string } | null>(null);
  const ssoError = params.get('ssoError');
  const form = useForm<Credentials>({
    initialValues: { email: '', password: '' },
    validate: { email: r.email, password: (v, values) => (sso && sso.email === values.email.trim() ? null : r.required(v)) },
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

  const checkSso = async (email: string) => {
    if (!email.includes('@')) return setSso(null);
    try {
      const res = await ssoApi.start({ email, check: 'true' });
      setSso(res.method === 'sso' ? { email, organization: res.organization ?? '' } : null);
    } catch {
      setSso(null);
    }
  };
  const goSso = useMutation({
    mutationFn: (email: string) => ssoApi.start({ email }),
    onSuccess: (res) => {
      if (res.redirectUrl) window.location.assign(res.redirectUrl);
    },
    onError: server.handle,
  });
  const usesSso = sso !== null && sso.email === form.values.email.trim();

  if (me.data && !login.isPending) return <Navigate to={safeNext(params.get('next')) ?? '/'} replace />;

  return (
    <PublicLayout title={t('auth.signIn.title')}>
      <form
        noValidate
        onSubmit={form.onSubmit((values) => {
          server.clear();
          if (usesSso) goSso.mutate(values.email.trim());
          else login.mutate({ email: values.email.trim(), password: values.password });
        })}
      >
        <Stack gap="md">
          {ssoError && (
            <Alert color="red" role="alert" title={t('sso.title')}>
              {t(`sso.signIn.errors.${ssoError}`, { defaultValue: t('sso.signIn.errors.other') })}
            </Alert>
          )}
          <EmailField
            {...form.getInputProps('email')}
            onBlur={(e) => {
              form.getInputProps('email').onBlur?.(e);
              void checkSso(e.currentTarget.value.trim());
            }}
          />
          {!usesSso && (
            <>
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
            </>
          )}
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
          <Button type="submit" loading={login.isPending || goSso.isPending} fullWidth>
            {usesSso ? t('sso.signIn.with', { org: sso.organization }) : t('auth.signIn.submit')}
          </Button>
          <OtherFormLink question={t('auth.signIn.noAccount')} to="/register" label={t('auth.signIn.register')} />
        </Stack>
      </form>
    </PublicLayout>
  );
}
