import { Select, Text } from '@mantine/core';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BulkAction, Member } from '../../api/types';
import { useFormat } from '../../app/format';
import { ConfirmModal } from '../../components/confirm-modal';
import { notify } from '../../components/notify';
import { groupOptions, useAllGroups } from '../groups/groups.api';
import { useBulkMembers } from './members.api';

type Props = {
  orgId: string;
  action: BulkAction | null;
  selected: Member[];
  onClose: () => void;
  onDone: () => void;
};

const NEEDS_GROUP: BulkAction[] = ['add_to_group', 'remove_from_group'];

/** Confirms a bulk action, saying exactly what it does and to how many people. */
export function BulkActionModal({ orgId, action, selected, onClose, onDone }: Props) {
  const { t } = useTranslation();
  const { number } = useFormat();
  const groups = useAllGroups(orgId, action !== null && NEEDS_GROUP.includes(action));
  const options = useMemo(() => groupOptions(groups.data ?? []), [groups.data]);
  const [groupId, setGroupId] = useState<string | null>(null);
  const bulk = useBulkMembers(orgId);
  const needsGroup = action !== null && NEEDS_GROUP.includes(action);

  // Only people with an account can be acted on; invitations not accepted yet are skipped.
  const accountIds = selected.flatMap((m) => (m.accountId ? [m.accountId] : []));
  const skipped = selected.length - accountIds.length;
  const groupName = options.find((o) => o.value === groupId)?.label ?? '';
  const n = number(accountIds.length);

  const close = () => {
    setGroupId(null);
    bulk.reset();
    onClose();
  };

  if (!action) return null;
  return (
    <ConfirmModal
      opened
      onClose={close}
      title={t(`learners.bulk.${action}.title`, { count: accountIds.length, n })}
      confirmLabel={t(`learners.bulk.${action}.confirm`, { count: accountIds.length, n })}
      danger={action === 'archive' || action === 'remove_from_group'}
      loading={bulk.isPending}
      error={bulk.error}
      confirmDisabled={accountIds.length === 0 || (needsGroup && !groupId)}
      onConfirm={() =>
        bulk.mutate(
          { action, accountIds, groupId: needsGroup ? (groupId ?? undefined) : undefined },
          {
            onSuccess: (res) => {
              notify.success(
                t(`learners.bulk.${action}.done`, {
                  count: res.affected,
                  n: number(res.affected),
                  unchanged: number(accountIds.length - res.affected),
                  group: groupName,
                }),
              );
              setGroupId(null);
              onDone();
            },
          },
        )
      }
    >
      {needsGroup && (
        <Select
          label={t('learners.bulk.group')}
          data={options}
          value={groupId}
          onChange={setGroupId}
          searchable
          nothingFoundMessage={t('groups.fields.noGroupFound')}
          comboboxProps={{ withinPortal: true }}
          data-autofocus
        />
      )}
      <Text size="sm">{t(`learners.bulk.${action}.text`, { count: accountIds.length, n, group: groupName || '…' })}</Text>
      {skipped > 0 && (
        <Text size="sm" c="dimmed">
          {t('learners.bulk.skipped', { count: skipped, n: number(skipped) })}
        </Text>
      )}
    </ConfirmModal>
  );
}
