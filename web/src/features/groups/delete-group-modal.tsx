import { Checkbox, List, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Group } from '../../api/types';
import { useFormat } from '../../app/format';
import { ConfirmModal } from '../../components/confirm-modal';
import { notify } from '../../components/notify';
import { groupsApi, useGroupMutation } from './groups.api';

type Props = { orgId: string; group: Group | null; onClose: () => void; onDeleted?: () => void };

/** Says exactly what deleting a group does before doing it. */
export function DeleteGroupModal({ orgId, group, onClose, onDeleted }: Props) {
  const { t } = useTranslation();
  const { number } = useFormat();
  const [withSubgroups, setWithSubgroups] = useState(false);
  const remove = useGroupMutation(orgId, (g: Group) => groupsApi.remove(orgId, g.id, g.subgroupCount > 0 && withSubgroups));
  const close = () => {
    setWithSubgroups(false);
    remove.reset();
    onClose();
  };
  const hasSubgroups = (group?.subgroupCount ?? 0) > 0;

  return (
    <ConfirmModal
      opened={group !== null}
      onClose={close}
      title={t('groups.delete.title', { name: group?.name ?? '' })}
      confirmLabel={hasSubgroups ? t('groups.delete.confirmWithSubgroups') : t('groups.delete.confirm')}
      danger
      loading={remove.isPending}
      error={remove.error}
      confirmDisabled={hasSubgroups && !withSubgroups}
      onConfirm={() => {
        if (!group) return;
        remove.mutate(group, {
          onSuccess: () => {
            notify.success(t('groups.delete.done', { name: group.name, count: group.memberCount, n: number(group.memberCount) }));
            close();
            onDeleted?.();
          },
        });
      }}
    >
      {group && (
        <>
          <List spacing={6} size="sm">
            <List.Item>{t('groups.delete.membersStay', { count: group.memberCount, n: number(group.memberCount) })}</List.Item>
            <List.Item>{t('groups.delete.enrolments')}</List.Item>
            <List.Item>{t('groups.delete.branding')}</List.Item>
          </List>
          {hasSubgroups && (
            <>
              <Text size="sm" fw={500}>
                {t('groups.delete.subgroups', { count: group.subgroupCount, n: number(group.subgroupCount) })}
              </Text>
              <Checkbox
                label={t('groups.delete.withSubgroups', { count: group.subgroupCount, n: number(group.subgroupCount) })}
                checked={withSubgroups}
                onChange={(e) => setWithSubgroups(e.currentTarget.checked)}
              />
            </>
          )}
          <Text size="sm" fw={500}>
            {t('groups.delete.irreversible')}
          </Text>
        </>
      )}
    </ConfirmModal>
  );
}
