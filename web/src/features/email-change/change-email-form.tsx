import { Button, Group, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ErrorAlert, useServerErrors } from '../../components/api-error';
import { rules } from '../../components/validators';
import type { EmailChangeAnswer } from './email-change.api';

type Props = {
  /** Sends the request (the person's own, or an admin's for a member). */
  send: (email: string) => Promise<EmailChangeAnswer>;
  onDone: (answer: EmailChangeAnswer) => void;
  onCancel?: () => void;
  autoFocus?: boolean;
};

/** The new address and the button that mails it a confirmation link; server errors next to the field. */
export function ChangeEmailForm({ send, onDone, onCancel, autoFocus }: Props) {
  const { t } = useTranslation();
  const r = rules(t);
  const form = useForm({ initialValues: { email: '' }, validate: { email: r.email }, validateInputOnBlur: true });
  const server = useServerErrors(form, ['email']);
  const change = useMutation({
    mutationFn: (email: string) => send(email),
    onSuccess: (answer) => {
      form.reset();
      onDone(answer);
    },
    onError: (error) => server.handle(error),
  });
  return (
    <form
      noValidate
      onSubmit={form.onSubmit((values) => {
        server.clear();
        change.mutate(values.email.trim());
      })}
    >
      <Stack gap="sm">
        <TextInput
          label={t('emailChange.newAddress')}
          type="email"
          autoComplete="off"
          withAsterisk
          data-autofocus={autoFocus || undefined}
          {...form.getInputProps('email')}
        />
        <ErrorAlert error={server.error} />
        <Group justify="flex-end">
          {onCancel && (
            <Button variant="default" onClick={onCancel}>
              {t('common.cancel')}
            </Button>
          )}
          <Button type="submit" loading={change.isPending}>
            {t('emailChange.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
