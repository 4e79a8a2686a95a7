import { Group, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { GroupDetail, GroupMember } from '../../api/types';
import { useFormat } from '../../app/format';
import { ConfirmModal } from '../../components/confirm-modal';
import { GatedButton } from '../../components/gated-button';
import { notify } from '../../components/notify';
import { SELECTED_ROW_BG, SelectAllHeader, SelectRowCell, useRowSelection } from '../../components/row-selection';
import { StatusBadge } from '../../components/status-badge';
import { ActionsHeader, EmptyNote, flattenPages, ListStates, LoadMore } from '../../components/table-states';
import { useBulkMembers } from '../learners/members.api';
import { AddPeopleModal } from './add-people-modal';
import { groupsApi, useGroupMembers, useGroupMutation } from './groups.api';

type Props = { orgId: string; group: GroupDetail; canManage: boolean };

/** Direct members of the group: search, add by searching the organization, remove one or many. */
export function MembersTab({ orgId, group, canManage }: Props) {
  const { t } = useTranslation();
  const { number, date } = useFormat();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 300);
  const members = useGroupMembers(orgId, group.id, q);
  const rows = flattenPages(members.data);
  const selection = useRowSelection((m: GroupMember) => m.accountId);
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<GroupMember[] | null>(null);

  const removeOne = useGroupMutation(orgId, (m: GroupMember) => groupsApi.removeMember(orgId, group.id, m.accountId));
  const bulk = useBulkMembers(orgId);

  const confirmRemove = () => {
    if (!removing) return;
    const done = (count: number) => {
      notify.success(t('groups.members.removed', { count, n: number(count), group: group.name }));
      selection.clear();
      setRemoving(null);
    };
    const [only] = removing;
    if (removing.length === 1 && only) {
      removeOne.mutate(only, { onSuccess: () => done(1) });
    } else {
      bulk.mutate(
        { action: 'remove_from_group', accountIds: removing.map((m) => m.accountId), groupId: group.id },
        { onSuccess: (res) => done(res.affected) },
      );
    }
  };

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <TextInput
          label={t('groups.members.search')}
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          w={320}
          maw="100%"
        />
        <Group gap="sm">
          {selection.size > 0 && (
            <GatedButton
              variant="default"
              allowed={canManage}
              reason={t('permissions.groupsManage')}
              onClick={() => setRemoving(rows.filter(selection.isSelected))}
            >
              {t('groups.members.removeSelected', { count: selection.size, n: number(selection.size) })}
            </GatedButton>
          )}
          <GatedButton allowed={canManage} reason={t('permissions.groupsManage')} onClick={() => setAdding(true)}>
            {t('groups.members.add')}
          </GatedButton>
        </Group>
      </Group>

      <ListStates
        query={members}
        isEmpty={rows.length === 0}
        empty={<EmptyNote>{q ? t('groups.members.noMatch') : t('groups.members.empty')}</EmptyNote>}
      >
        <Table.ScrollContainer minWidth={720}>
          <Table highlightOnHover aria-label={t('groups.members.table', { name: group.name })}>
            <Table.Thead>
              <Table.Tr>
                <SelectAllHeader selection={selection} rows={rows} />
                <Table.Th scope="col">{t('fields.name')}</Table.Th>
                <Table.Th scope="col">{t('fields.email')}</Table.Th>
                <Table.Th scope="col">{t('learners.columns.role')}</Table.Th>
                <Table.Th scope="col">{t('learners.columns.status')}</Table.Th>
                <Table.Th scope="col">{t('groups.members.addedAt')}</Table.Th>
                <ActionsHeader />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((m) => (
                <Table.Tr key={m.accountId} bg={selection.isSelected(m) ? SELECTED_ROW_BG : undefined}>
                  <SelectRowCell selection={selection} row={m} name={m.name} />
                  <Table.Td>{m.name}</Table.Td>
                  <Table.Td>{m.email}</Table.Td>
                  <Table.Td>{t(`roles.${m.role}`)}</Table.Td>
                  <Table.Td>
                    <StatusBadge status={m.status} />
                  </Table.Td>
                  <Table.Td>
                    <time dateTime={m.addedAt}>{date(m.addedAt)}</time>
                  </Table.Td>
                  <Table.Td ta="right">
                    <GatedButton
                      size="compact-sm"
                      variant="subtle"
                      allowed={canManage}
                      reason={t('permissions.groupsManage')}
                      onClick={() => setRemoving([m])}
                      aria-label={t('groups.members.removeOne', { name: m.name })}
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
      <LoadMore query={members} shown={rows.length} total={q ? undefined : group.memberCount} />

      <AddMembersModal orgId={orgId} group={group} opened={adding} onClose={() => setAdding(false)} />
      <ConfirmModal
        opened={removing !== null}
        onClose={() => {
          setRemoving(null);
          removeOne.reset();
          bulk.reset();
        }}
        onConfirm={confirmRemove}
        title={t('groups.members.removeTitle', { count: removing?.length ?? 0, n: number(removing?.length ?? 0) })}
        confirmLabel={t('groups.members.removeConfirm', { count: removing?.length ?? 0, n: number(removing?.length ?? 0) })}
        danger
        loading={removeOne.isPending || bulk.isPending}
        error={removeOne.error ?? bulk.error}
      >
        <Text size="sm">
          {removing?.length === 1
            ? t('groups.members.removeOneText', { name: removing[0]?.name, group: group.name })
            : t('groups.members.removeManyText', { n: number(removing?.length ?? 0), group: group.name })}
        </Text>
        <Text size="sm">{t('groups.members.removeConsequences')}</Text>
      </ConfirmModal>
    </Stack>
  );
}

function AddMembersModal({ orgId, group, opened, onClose }: { orgId: string; group: GroupDetail; opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { number } = useFormat();
  const add = useGroupMutation(orgId, (ids: string[]) => groupsApi.addMembers(orgId, group.id, ids));
  return (
    <AddPeopleModal
      orgId={orgId}
      opened={opened}
      onClose={onClose}
      title={t('groups.members.addTitle', { name: group.name })}
      label={t('groups.members.people')}
      description={t('groups.members.peopleHelp')}
      note={
        <Text size="sm" c="dimmed">
          {t('groups.members.enrolNote')}
        </Text>
      }
      submitLabel={(count) => (count > 0 ? t('groups.members.addSubmit', { count, n: number(count) }) : t('groups.members.add'))}
      add={add}
      onAdded={(res, accountIds) => {
        const already = accountIds.length - res.added;
        notify.success(
          already > 0
            ? t('groups.members.addedSome', { count: res.added, n: number(res.added), already: number(already), group: group.name })
            : t('groups.members.added', { count: res.added, n: number(res.added), group: group.name }),
        );
      }}
    />
  );
}
