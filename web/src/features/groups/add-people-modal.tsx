import { Modal, Stack } from '@mantine/core';
import type { UseMutationResult } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/api-error';
import { FormActions } from '../../components/form-modal';
import { MemberMultiPicker } from '../../components/member-picker';

type Props<TResult> = {
  orgId: string;
  opened: boolean;
  onClose: () => void;
  title: string;
  /** The picker's label and help. */
  label: string;
  description: string;
  staffOnly?: boolean;
  /** A word under the picker on what adding does. */
  note?: ReactNode;
  submitLabel: (count: number) => string;
  /** Adds the picked accounts (members or observers). */
  add: UseMutationResult<TResult, Error, string[]>;
  /** After a successful add, before the modal closes: say what happened. */
  onAdded: (result: TResult, accountIds: string[]) => void;
};

/** Adds people of the organization to a group, found by searching their name or address. */
export function AddPeopleModal<TResult>({
  orgId,
  opened,
  onClose,
  title,
  label,
  description,
  staffOnly,
  note,
  submitLabel,
  add,
  onAdded,
}: Props<TResult>) {
  const { t } = useTranslation();
  const [accountIds, setAccountIds] = useState<string[]>([]);
  const close = () => {
    setAccountIds([]);
    add.reset();
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title={title} size="lg" closeButtonProps={{ 'aria-label': t('common.close') }}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (accountIds.length === 0) return;
          add.mutate(accountIds, {
            onSuccess: (res) => {
              onAdded(res, accountIds);
              close();
            },
          });
        }}
      >
        <Stack gap="md">
          <MemberMultiPicker
            orgId={orgId}
            staffOnly={staffOnly}
            label={label}
            description={description}
            value={accountIds}
            onChange={setAccountIds}
          />
          {note}
          <ErrorAlert error={add.error} />
          <FormActions
            onCancel={close}
            submitLabel={submitLabel(accountIds.length)}
            loading={add.isPending}
            disabled={accountIds.length === 0}
          />
        </Stack>
      </form>
    </Modal>
  );
}
