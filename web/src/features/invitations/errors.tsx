import { Alert } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { useDescribeError } from '../../components/api-error';

/** Seconds to wait after a 429, from the server's details (Retry-After is also sent). */
export function retryAfter(error: unknown): number | undefined {
  if (!(error instanceof ApiError) || error.status !== 429) return undefined;
  const seconds = (error.details as { retryAfterSeconds?: unknown } | null | undefined)?.retryAfterSeconds;
  return typeof seconds === 'number' && seconds > 0 ? seconds : undefined;
}

/**
 * Words for the error codes of invitations and passcodes (`invitations.errors.<code>`),
 * falling back to the app's shared translations, then to the server's message.
 */
export function useInvitationError() {
  const { t, i18n } = useTranslation();
  const describe = useDescribeError();
  return (error: unknown): string => {
    if (error instanceof ApiError) {
      if (error.status === 429) {
        const seconds = retryAfter(error);
        return seconds ? t('invitations.errors.rate_limited_wait', { count: seconds }) : t('invitations.errors.rate_limited');
      }
      // A changed address that cannot be used says why: already a member, or already invited.
      const reason = error.code === 'email_unavailable' ? (error.details as { reason?: string } | undefined)?.reason : undefined;
      const key = `invitations.errors.${reason ?? error.code}`;
      if (i18n.exists(key)) return t(key);
    }
    return describe(error);
  };
}

/** A field message from the server, translated when its code is one we know. */
export function fieldError(error: unknown, field: string, describe: (error: unknown) => string): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const message = error.fieldErrors[field];
  if (!message) return undefined;
  return error.code === 'validation_failed' ? message : describe(error);
}

/** The red alert for an error no field claimed, in the words of useInvitationError. */
export function InvitationErrorAlert({ error, children }: { error: unknown; children?: ReactNode }) {
  const { t } = useTranslation();
  const describe = useInvitationError();
  if (!error) return null;
  return (
    <Alert color="red" styles={alertTitle('red')} variant="light" role="alert" title={t('errors.title')}>
      {describe(error)}
      {children}
    </Alert>
  );
}

/**
 * Alert titles in the body text colour: Mantine's coloured titles (and even shade 9 of green or yellow)
 * fail AA contrast on the light background. The colour of the alert still shows its kind.
 */
export function alertTitle(_color: string) {
  return { title: { color: 'var(--mantine-color-text)' } };
}
