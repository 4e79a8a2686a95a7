import { Button, Group, Modal } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

type FormModalProps = { opened: boolean; onClose: () => void; title: string; children: ReactNode };

/** A large modal around a form, mounted only while open so each opening starts from the saved values. */
export function FormModal({ opened, onClose, title, children }: FormModalProps) {
  const { t } = useTranslation();
  return (
    <Modal opened={opened} onClose={onClose} title={title} size="lg" closeButtonProps={{ 'aria-label': t('common.close') }}>
      {opened && children}
    </Modal>
  );
}

type FormActionsProps = { onCancel: () => void; submitLabel: string; loading?: boolean; disabled?: boolean };

/** The foot of a modal form: Cancel, then the submit button. */
export function FormActions({ onCancel, submitLabel, loading, disabled }: FormActionsProps) {
  const { t } = useTranslation();
  return (
    <Group justify="flex-end">
      <Button variant="default" onClick={onCancel}>
        {t('common.cancel')}
      </Button>
      <Button type="submit" loading={loading} disabled={disabled}>
        {submitLabel}
      </Button>
    </Group>
  );
}
