import { Button, Checkbox, Group, Modal, Stack, Table, Text, TextInput, VisuallyHidden } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { GroupDetail, GroupMember } from '../../api/types';
import { useFormat } from '../../app/format';
import { ErrorAlert } from '../../components/api-error';
import { ConfirmModal } from '../../components/confirm-modal';
import { GatedButton } from '../../components/gated-button';
import { MemberMultiPicker } from '../../components/member-picker';
import { notify } from '../../components/notify';
import { StatusBadge } from '../../components/status-badge';
import { ListSkeleton, LoadMore } from '../../components/table-states';
import { useBulkMembers } from '../learners/members.api';
import { groupsApi, useGroupMembers, useGroupMutation } from './groups.api';

type Props = { orgId: string; group: GroupDetail; canManage: boolean };

/** Direct members of the group: search, add by searching the organization, remove one or many. */
export function MembersTab({ orgId, group, canManage }: Props) {
  const { t } = useTranslation();
  const { number, date } = useFormat();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 300);
  const members = useGroupMembers(orgId, group.id, q);
  const rows = members.data?.pages.flatMap((p) => p.items) ?? [];
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<GroupMember[] | null>(null);

  const removeOne = useGroupMutation(orgId, (m: GroupMember) => groupsApi.removeMember(orgId, group.id, m.accountId));
  const bulk = useBulkMembers(orgId);

  const visibleIds = rows.map((r) => r.accountId);
  const selectedVisible = visibleIds.filter((id) => selected.has(id));
  const allChecked = rows.length > 0 && selectedVisible.length === rows.length;
  const someChecked = selectedVisible.length > 0 && !allChecked;
  const toggle = (id: string) =>
    setSelected((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const confirmRemove = () => {
    if (!removing) return;
    const done = (count: number) => {
      notify.success(t('groups.members.removed', { count, n: number(count), group: group.name }));
      setSelected(new Set());
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
          {selected.size > 0 && (
            <GatedButton
              variant="default"
              allowed={canManage}
              reason={t('permissions.groupsManage')}
              onClick={() => setRemoving(rows.filter((r) => selected.has(r.accountId)))}
            >
              {t('groups.members.removeSelected', { count: selected.size, n: number(selected.size) })}
            </GatedButton>
          )}
          <GatedButton allowed={canManage} reason={t('permissions.groupsManage')} onClick={() => setAdding(true)}>
            {t('groups.members.add')}
          </GatedButton>
        </Group>
      </Group>

      {members.isPending ? (
        <ListSkeleton />
      ) : members.isError ? (
        <ErrorAlert error={members.error} />
      ) : rows.length === 0 ? (
        <Text size="sm" fs="italic">
          {q ? t('groups.members.noMatch') : t('groups.members.empty')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={720}>
          <Table highlightOnHover aria-label={t('groups.members.table', { name: group.name })}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={40}>
                  <Checkbox
                    aria-label={t('common.selectAllShown')}
                    checked={allChecked}
                    indeterminate={someChecked}
                    onChange={() =>
                      setSelected((prev) => {
                        const next = new Set(prev);
                        for (const id of visibleIds) {
                          if (allChecked) next.delete(id);
                          else next.add(id);
                        }
                        return next;
                      })
                    }
                  />
                </Table.Th>
                <Table.Th scope="col">{t('fields.name')}</Table.Th>
                <Table.Th scope="col">{t('fields.email')}</Table.Th>
                <Table.Th scope="col">{t('learners.columns.role')}</Table.Th>
                <Table.Th scope="col">{t('learners.columns.status')}</Table.Th>
                <Table.Th scope="col">{t('groups.members.addedAt')}</Table.Th>
                <Table.Th scope="col">
                  <VisuallyHidden>{t('common.actions')}</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((m) => (
                <Table.Tr key={m.accountId} bg={selected.has(m.accountId) ? 'var(--mantine-color-violet-light)' : undefined}>
                  <Table.Td>
                    <Checkbox
                      aria-label={t('common.selectRow', { name: m.name })}
                      checked={selected.has(m.accountId)}
                      onChange={() => toggle(m.accountId)}
                    />
                  </Table.Td>
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
      )}
      <LoadMore
        hasNextPage={members.hasNextPage}
        loading={members.isFetchingNextPage}
        onLoadMore={() => void members.fetchNextPage()}
        shown={rows.length}
        total={q ? undefined : group.memberCount}
      />

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
  const [accountIds, setAccountIds] = useState<string[]>([]);
  const add = useGroupMutation(orgId, (ids: string[]) => groupsApi.addMembers(orgId, group.id, ids));
  const close = () => {
    setAccountIds([]);
    add.reset();
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title={t('groups.members.addTitle', { name: group.name })} size="lg" closeButtonProps={{ 'aria-label': t('common.close') }}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (accountIds.length === 0) return;
          add.mutate(accountIds, {
            onSuccess: (res) => {
              const already = accountIds.length - res.added;
              notify.success(
                already > 0
                  ? t('groups.members.addedSome', { count: res.added, n: number(res.added), already: number(already), group: group.name })
                  : t('groups.members.added', { count: res.added, n: number(res.added), group: group.name }),
              );
              close();
            },
          });
        }}
      >
        <Stack gap="md">
          <MemberMultiPicker
            orgId={orgId}
            label={t('groups.members.people')}
            description={t('groups.members.peopleHelp')}
            value={accountIds}
            onChange={setAccountIds}
          />
          <Text size="sm" c="dimmed">
            {t('groups.members.enrolNote')}
          </Text>
          <ErrorAlert error={add.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={add.isPending} disabled={accountIds.length === 0}>
              {accountIds.length > 0
                ? t('groups.members.addSubmit', { count: accountIds.length, n: number(accountIds.length) })
                : t('groups.members.add')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
