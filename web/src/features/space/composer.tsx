import { Button, FileInput, Group, Stack, Textarea } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/client';
import { ErrorAlert } from '../../components/api-error';

export const BODY_MAX = 10_000;
/** The largest image a post may carry (the server checks it too, with the type, from the bytes). */
export const IMAGE_MAX_BYTES = 5 * 1024 * 1024;

type Props = {
  label: string;
  submitLabel: string;
  initial?: string;
  minRows?: number;
  onSubmit: (body: string, image: File | null) => Promise<unknown>;
  onCancel?: () => void;
  /** Offers to attach an image (new posts only). */
  withImage?: boolean;
};

/** A text box for a post or a comment: counts characters against the limit and shows the server's message by the field. */
export function Composer({ label, submitLabel, initial = '', minRows = 2, onSubmit, onCancel, withImage = false }: Props) {
  const { t } = useTranslation();
  const [body, setBody] = useState(initial);
  const [image, setImage] = useState<File | null>(null);
  const imageTooLarge = image !== null && image.size > IMAGE_MAX_BYTES;
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const tooLong = body.trim().length > BODY_MAX;
  const fieldError = isApiError(error) ? error.fieldErrors.body : undefined;
  const imageError = isApiError(error) ? error.fieldErrors.image : undefined;
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await onSubmit(body, image);
      setBody('');
      setImage(null);
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
      {withImage && (
        <FileInput
          label={t('space.image')}
          description={t('space.imageHelp')}
          accept="image/png,image/jpeg,image/gif,image/webp"
          value={image}
          onChange={(f) => {
            setImage(f);
            setError(null);
          }}
          clearable
          clearButtonProps={{ 'aria-label': t('space.imageRemove') }}
          error={imageTooLarge ? t('space.imageTooLarge') : imageError}
        />
      )}
      {error && !fieldError && !imageError ? <ErrorAlert error={error} /> : null}
      <Group gap="sm">
        <Button size="compact-sm" onClick={submit} loading={busy} disabled={body.trim().length === 0 || tooLong || imageTooLarge}>
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
