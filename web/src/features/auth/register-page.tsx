import { Alert, Button, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { toLanguage } from '../../app/i18n';
import { ErrorAlert, useServerErrors } from '../../components/api-error';
import { NewPasswordField } from '../../components/password-field';
import { PublicLayout } from '../../components/public-layout';
import { rules } from '../../components/validators';
import { BackToSignInLink, EmailField, OtherFormLink, useResendVerification } from './auth-parts';
import { authApi } from './auth.api';

type Values = { name: string; email: string; password: string };

export function RegisterPage() {
  const { t, i18n } = useTranslation();
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
        locale: toLanguage(i18n.language) ?? 'en',
      }),
    onError: server.handle,
  });
  const resend = useResendVerification();

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
        <BackToSignInLink />
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
          <EmailField {...form.getInputProps('email')} />
          <NewPasswordField label={t('fields.password')} {...form.getInputProps('password')} />
          <ErrorAlert error={server.error} />
          <Button type="submit" loading={register.isPending} fullWidth>
            {t('auth.register.submit')}
          </Button>
          <OtherFormLink question={t('auth.register.haveAccount')} to="/sign-in" label={t('auth.signIn.submit')} />
        </Stack>
      </form>
    </PublicLayout>
  );
}
