import { Alert } from '@mantine/core';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { applyFieldErrors, useDescribeError } from '../../components/api-error';

/** Our wording for an error: the join page's own codes first, then the app's. */
export function useJoinErrorText() {
  const { t, i18n } = useTranslation();
  const describe = useDescribeError();
  return (error: unknown) => {
    if (error instanceof ApiError && i18n.exists(`joinPage.errors.${error.code}`)) return t(`joinPage.errors.${error.code}`);
    return describe(error);
  };
}

/** An alert for errors that belong to no single field. */
export function JoinErrorAlert({ error, children }: { error: unknown; children?: ReactNode }) {
  const { t } = useTranslation();
  const text = useJoinErrorText();
  if (!error) return null;
  return (
    <Alert color="red" variant="light" role="alert" title={t('errors.title')}>
      {text(error)}
      {children}
    </Alert>
  );
}

type FormLike = { setErrors: (errors: Record<string, ReactNode>) => void };

/** Puts server errors next to the fields they name (in our words when we have them); the rest goes to the alert. */
export function useJoinServerErrors(
  form: FormLike,
  fields: readonly string[],
  special?: (error: ApiError) => Record<string, string> | undefined,
) {
  const [error, setError] = useState<unknown>(null);
  const { t, i18n } = useTranslation();
  const translate = (err: ApiError) => {
    const key = `joinPage.errors.${err.code}`;
    return err.code !== 'validation_failed' && i18n.exists(key) ? t(key) : undefined;
  };
  return {
    error,
    clear: () => setError(null),
    handle: (err: unknown) => {
      const own = err instanceof ApiError ? special?.(err) : undefined;
      if (own) {
        form.setErrors(own);
        setError(null);
        return;
      }
      setError(applyFieldErrors(form, err, fields, translate) ? null : err);
    },
  };
}
