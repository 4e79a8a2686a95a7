import { Button, Group, Stack, Textarea } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/client';
import { ErrorAlert } from '../../components/api-error';

export const BODY_MAX = 10_000;

type Props = {
  label: string;
  submitLabel: string;
  initial?: string;
  minRows?: number;
  onSubmit: (body: string) => Promise<unknown>;
  onCancel?: () => void;
};

/** A text box for a post or a comment: counts characters against the limit and shows the server's message by the field. */
export function Composer({ label, submitLabel, initial = '', minRows = 2, onSubmit, onCancel }: Props) {
  const { t } = useTranslation();
  const [body, setBody] = useState(initial);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const tooLong = body.trim().length > BODY_MAX;
  const fieldError = isApiError(error) ? error.fieldErrors.body : undefined;
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await onSubmit(body);
      setBody('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Stack gap="xs">
      <Textarea
        label={label}
        value={body}
        onChange={(e) => setBody(e.currentTarget.value)}
        autosize
        minRows={minRows}
        maxRows={12}
        error={tooLong ? t('space.tooLong', { max: BODY_MAX.toLocaleString() }) : fieldError}
        description={t('space.count', { count: body.trim().length, max: BODY_MAX.toLocaleString() })}
      />
      {error && !fieldError ? <ErrorAlert error={error} /> : null}
      <Group gap="sm">
        <Button size="compact-sm" onClick={submit} loading={busy} disabled={body.trim().length === 0 || tooLong}>
          {submitLabel}
        </Button>
        {onCancel && (
          <Button size="compact-sm" variant="default" onClick={onCancel}>
            {t('common.cancel')}
          </Button>
        )}
      </Group>
    </Stack>
  );
}
