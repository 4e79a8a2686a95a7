import { Alert, Anchor, Button, Text, TextInput, type TextInputProps } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { useDescribeError } from '../../components/api-error';
import { notify } from '../../components/notify';
import { PublicLayout } from '../../components/public-layout';
import { authApi } from './auth.api';

/** The address field of the sign-in, registration and forgotten-password forms. */
export function EmailField(props: TextInputProps) {
  const { t } = useTranslation();
  return <TextInput label={t('fields.email')} type="email" autoComplete="email" withAsterisk {...props} />;
}

/** "Back to sign in", under the forms that lead away from it. */
export function BackToSignInLink() {
  const { t } = useTranslation();
  return (
    <Anchor component={Link} to="/sign-in" ta="center">
      {t('auth.backToSignIn')}
    </Anchor>
  );
}

/** "No account yet? Register" and the like: one sentence ending in a link to the other form. */
export function OtherFormLink({ question, to, label }: { question: string; to: string; label: string }) {
  return (
    <Text size="sm" ta="center">
      {question}{' '}
      <Anchor component={Link} to={to}>
        {label}
      </Anchor>
    </Text>
  );
}

/** Sends the verification email again to an address that has not confirmed yet, saying so in a toast. */
export function useResendVerification() {
  const { t } = useTranslation();
  const describe = useDescribeError();
  return useMutation({
    mutationFn: (email: string) => authApi.resendVerification(email),
    onSuccess: (_data, email) => notify.success(t('auth.verify.resent', { email })),
    onError: (error) => notify.error(describe(error)),
  });
}

/** The one-time token of a link sent by email (`?token=…`); empty when the link was cut short. */
export function useLinkToken(): string {
  const [params] = useSearchParams();
  return params.get('token') ?? '';
}

type TokenLinkPageProps = {
  title: string;
  token: string;
  /** The link has done its work: say so and offer to sign in. */
  done: boolean;
  doneTitle: string;
  doneText: string;
  /** What to do with the link (a form or a confirm button); shown only while there is a token. */
  children: ReactNode;
};

/**
 * A page opened from a link sent by email (verify the address, reset or set a password):
 * the action while the link has a token, what happened once it worked, and the way back to sign in.
 */
export function TokenLinkPage({ title, token, done, doneTitle, doneText, children }: TokenLinkPageProps) {
  const { t } = useTranslation();
  if (done) {
    return (
      <PublicLayout title={doneTitle}>
        <Alert color="green" variant="light" role="status">
          {doneText}
        </Alert>
        <Button component={Link} to="/sign-in" fullWidth>
          {t('auth.signIn.submit')}
        </Button>
      </PublicLayout>
    );
  }
  return (
    <PublicLayout title={title}>
      {token ? (
        children
      ) : (
        <Alert color="red" variant="light" role="alert">
          {t('auth.incompleteLink')}
        </Alert>
      )}
      <BackToSignInLink />
    </PublicLayout>
  );
}
