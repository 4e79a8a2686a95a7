import { Alert } from '@mantine/core';
import type { TFunction } from 'i18next';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';

/** The message to show for an error: our translation of its code if we have one, else the server's. */
export function describeError(error: unknown, t: TFunction, exists: (key: string) => boolean): string {
  if (error instanceof ApiError) {
    const key = `errors.${error.code}`;
    if (exists(key)) return t(key);
    return error.message || t('errors.unknown');
  }
  return t('errors.unknown');
}

export function useDescribeError() {
  const { t, i18n } = useTranslation();
  return (error: unknown) => describeError(error, t, (key) => i18n.exists(key));
}

type FormLike = { setErrors: (errors: Record<string, ReactNode>) => void };

/**
 * Puts the server's field messages next to the matching inputs.
 * Returns true when every field it named exists in the form, so no other alert is needed.
 */
export function applyFieldErrors(
  form: FormLike,
  error: unknown,
  fields: readonly string[],
  translate?: (error: ApiError) => string | undefined,
): boolean {
  if (!(error instanceof ApiError)) return false;
  const fieldErrors = { ...error.fieldErrors };
  // One field with a specific code (slug_reserved, invalid_email…): prefer our translation.
  const names = Object.keys(fieldErrors);
  const translated = names.length === 1 ? translate?.(error) : undefined;
  if (translated && names[0]) fieldErrors[names[0]] = translated;
  const known = Object.entries(fieldErrors).filter(([name]) => fields.includes(name));
  if (known.length === 0) return false;
  form.setErrors(Object.fromEntries(known));
  return known.length === Object.keys(fieldErrors).length;
}

/** An alert for errors that belong to no single field. */
export function ErrorAlert({ error, children }: { error: unknown; children?: ReactNode }) {
  const { t } = useTranslation();
  const describe = useDescribeError();
  if (!error) return null;
  return (
    <Alert color="red" variant="light" role="alert" title={t('errors.title')}>
      {describe(error)}
      {children}
    </Alert>
  );
}

/** Tracks the error of the last submit that no field claimed, for the form's alert. */
export function useServerErrors(form: FormLike, fields: readonly string[]) {
  const [error, setError] = useState<unknown>(null);
  const { t, i18n } = useTranslation();
  const translate = (err: ApiError) => {
    const key = `errors.${err.code}`;
    return err.code !== 'validation_failed' && i18n.exists(key) ? t(key) : undefined;
  };
  return {
    error,
    clear: () => setError(null),
    handle: (err: unknown) => {
      setError(applyFieldErrors(form, err, fields, translate) ? null : err);
    },
  };
}
