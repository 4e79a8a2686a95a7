import { Group, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { GroupDetail, GroupObserver } from '../../api/types';
import { useFormat } from '../../app/format';
import { ConfirmModal } from '../../components/confirm-modal';
import { GatedButton } from '../../components/gated-button';
import { notify } from '../../components/notify';
import { ActionsHeader, EmptyNote, flattenPages, ListStates, LoadMore } from '../../components/table-states';
import { AddPeopleModal } from './add-people-modal';
import { groupsApi, useGroupMutation, useGroupObservers } from './groups.api';

type Props = { orgId: string; group: GroupDetail; canManage: boolean };

/** Staff who follow the group: its statistics and digests. */
export function ObserversTab({ orgId, group, canManage }: Props) {
  const { t } = useTranslation();
  const { date } = useFormat();
  const observers = useGroupObservers(orgId, group.id);
  const rows = flattenPages(observers.data);
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<GroupObserver | null>(null);
  const remove = useGroupMutation(orgId, (o: GroupObserver) => groupsApi.removeObserver(orgId, group.id, o.accountId));

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-start">
        <Text size="sm" maw={640}>
          {t('groups.observers.intro')}
        </Text>
        <GatedButton allowed={canManage} reason={t('permissions.groupsManage')} onClick={() => setAdding(true)}>
          {t('groups.observers.add')}
        </GatedButton>
      </Group>
      <ListStates query={observers} isEmpty={rows.length === 0} empty={<EmptyNote>{t('groups.observers.empty')}</EmptyNote>}>
        <Table.ScrollContainer minWidth={560}>
          <Table highlightOnHover aria-label={t('groups.observers.table', { name: group.name })}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('fields.name')}</Table.Th>
                <Table.Th scope="col">{t('fields.email')}</Table.Th>
                <Table.Th scope="col">{t('learners.columns.role')}</Table.Th>
                <Table.Th scope="col">{t('groups.members.addedAt')}</Table.Th>
                <ActionsHeader />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((o) => (
                <Table.Tr key={o.accountId}>
                  <Table.Td>{o.name}</Table.Td>
                  <Table.Td>{o.email}</Table.Td>
                  <Table.Td>{t(`roles.${o.role}`)}</Table.Td>
                  <Table.Td>
                    <time dateTime={o.addedAt}>{date(o.addedAt)}</time>
                  </Table.Td>
                  <Table.Td ta="right">
                    <GatedButton
                      size="compact-sm"
                      variant="subtle"
                      allowed={canManage}
                      reason={t('permissions.groupsManage')}
                      onClick={() => setRemoving(o)}
                      aria-label={t('groups.observers.removeOne', { name: o.name })}
                    >
                      {t('common.remove')}
                    </GatedButton>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </ListStates>
      <LoadMore query={observers} />

      <AddObserversModal orgId={orgId} group={group} opened={adding} onClose={() => setAdding(false)} />
      <ConfirmModal
        opened={removing !== null}
        onClose={() => {
          setRemoving(null);
          remove.reset();
        }}
        onConfirm={() =>
          removing &&
          remove.mutate(removing, {
            onSuccess: () => {
              notify.success(t('groups.observers.removed', { name: removing.name, group: group.name }));
              setRemoving(null);
            },
          })
        }
        title={t('groups.observers.removeTitle')}
        confirmLabel={t('groups.observers.removeConfirm')}
        danger
        loading={remove.isPending}
        error={remove.error}
      >
        <Text size="sm">{t('groups.observers.removeText', { name: removing?.name ?? '', group: group.name })}</Text>
      </ConfirmModal>
    </Stack>
  );
}

function AddObserversModal({ orgId, group, opened, onClose }: { orgId: string; group: GroupDetail; opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { number } = useFormat();
  const add = useGroupMutation(orgId, (ids: string[]) => groupsApi.addObservers(orgId, group.id, ids));
  return (
    <AddPeopleModal
      orgId={orgId}
      opened={opened}
      onClose={onClose}
      title={t('groups.observers.addTitle', { name: group.name })}
      label={t('groups.observers.people')}
      description={t('groups.observers.peopleHelp')}
      staffOnly
      submitLabel={() => t('groups.observers.add')}
      add={add}
      onAdded={(res) => notify.success(t('groups.observers.added', { count: res.added, n: number(res.added), group: group.name }))}
    />
  );
}
