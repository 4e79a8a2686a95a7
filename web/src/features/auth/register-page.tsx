import { Alert, Anchor, Button, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notify } from '../../components/notify';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { PasswordField } from '../../components/password-field';
import { ErrorAlert, useDescribeError, useServerErrors } from '../../components/api-error';
import { PublicLayout } from '../../components/public-layout';
import { MIN_PASSWORD_LENGTH, rules } from '../../components/validators';
import { authApi } from './auth.api';

type Values = { name: string; email: string; password: string };

export function RegisterPage() {
  const { t, i18n } = useTranslation();
  const describe = useDescribeError();
  const r = rules(t);
  const form = useForm<Values>({
    initialValues: { name: '', email: '', password: '' },
    validate: { name: r.required, email: r.email, password: r.password },
    validateInputOnBlur: true,
  });
  const server = useServerErrors(form, ['name', 'email', 'password']);

  const register = useMutation({
    mutationFn: (values: Values) =>
      authApi.register({
        name: values.name.trim(),
        email: values.email.trim(),
        password: values.password,
        locale: i18n.language,
      }),
    onError: server.handle,
  });
  const resend = useMutation({
    mutationFn: (email: string) => authApi.resendVerification(email),
    onSuccess: (_data, email) => notify.success(t('auth.verify.resent', { email })),
    onError: (error) => notify.error(describe(error)),
  });

  if (register.isSuccess) {
    const email = register.variables.email.trim();
    return (
      <PublicLayout title={t('auth.register.checkMailTitle')}>
        <Alert color="green" variant="light" role="status">
          {t('auth.register.checkMailText', { email })}
        </Alert>
        <Text size="sm">{t('auth.register.checkMailHelp')}</Text>
        <Button variant="default" loading={resend.isPending} onClick={() => resend.mutate(email)}>
          {t('auth.verify.resend')}
        </Button>
        <Anchor component={Link} to="/sign-in" ta="center">
          {t('auth.backToSignIn')}
        </Anchor>
      </PublicLayout>
    );
  }

  return (
    <PublicLayout title={t('auth.register.title')}>
      <form
        noValidate
        onSubmit={form.onSubmit((values) => {
          server.clear();
          register.mutate(values);
        })}
      >
        <Stack gap="md">
          <TextInput label={t('fields.name')} autoComplete="name" withAsterisk {...form.getInputProps('name')} />
          <TextInput
            label={t('fields.email')}
            type="email"
            autoComplete="email"
            withAsterisk
            {...form.getInputProps('email')}
          />
          <PasswordField
            label={t('fields.password')}
            description={t('validation.passwordHint', { count: MIN_PASSWORD_LENGTH })}
            autoComplete="new-password"
            withAsterisk
            {...form.getInputProps('password')}
          />
          <ErrorAlert error={server.error} />
          <Button type="submit" loading={register.isPending} fullWidth>
            {t('auth.register.submit')}
          </Button>
          <Text size="sm" ta="center">
            {t('auth.register.haveAccount')}{' '}
            <Anchor component={Link} to="/sign-in">
              {t('auth.signIn.submit')}
            </Anchor>
          </Text>
        </Stack>
      </form>
    </PublicLayout>
  );
}
