import { Button, Group, Modal, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { GroupDetail, GroupObserver } from '../../api/types';
import { useFormat } from '../../app/format';
import { ErrorAlert } from '../../components/api-error';
import { ConfirmModal } from '../../components/confirm-modal';
import { GatedButton } from '../../components/gated-button';
import { MemberMultiPicker } from '../../components/member-picker';
import { notify } from '../../components/notify';
import { ListSkeleton, LoadMore } from '../../components/table-states';
import { groupsApi, useGroupMutation, useGroupObservers } from './groups.api';

type Props = { orgId: string; group: GroupDetail; canManage: boolean };

/** Staff who follow the group: its statistics and digests. */
export function ObserversTab({ orgId, group, canManage }: Props) {
  const { t } = useTranslation();
  const { date } = useFormat();
  const observers = useGroupObservers(orgId, group.id);
  const rows = observers.data?.pages.flatMap((p) => p.items) ?? [];
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
      {observers.isPending ? (
        <ListSkeleton />
      ) : observers.isError ? (
        <ErrorAlert error={observers.error} />
      ) : rows.length === 0 ? (
        <Text size="sm" fs="italic">
          {t('groups.observers.empty')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table highlightOnHover aria-label={t('groups.observers.table', { name: group.name })}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('fields.name')}</Table.Th>
                <Table.Th scope="col">{t('fields.email')}</Table.Th>
                <Table.Th scope="col">{t('learners.columns.role')}</Table.Th>
                <Table.Th scope="col">{t('groups.members.addedAt')}</Table.Th>
                <Table.Th scope="col">
                  <VisuallyHidden>{t('common.actions')}</VisuallyHidden>
                </Table.Th>
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
      )}
      <LoadMore hasNextPage={observers.hasNextPage} loading={observers.isFetchingNextPage} onLoadMore={() => void observers.fetchNextPage()} />

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
  const [accountIds, setAccountIds] = useState<string[]>([]);
  const add = useGroupMutation(orgId, (ids: string[]) => groupsApi.addObservers(orgId, group.id, ids));
  const close = () => {
    setAccountIds([]);
    add.reset();
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title={t('groups.observers.addTitle', { name: group.name })} size="lg" closeButtonProps={{ 'aria-label': t('common.close') }}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (accountIds.length === 0) return;
          add.mutate(accountIds, {
            onSuccess: (res) => {
              notify.success(t('groups.observers.added', { count: res.added, n: number(res.added), group: group.name }));
              close();
            },
          });
        }}
      >
        <Stack gap="md">
          <MemberMultiPicker
            orgId={orgId}
            staffOnly
            label={t('groups.observers.people')}
            description={t('groups.observers.peopleHelp')}
            value={accountIds}
            onChange={setAccountIds}
          />
          <ErrorAlert error={add.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={add.isPending} disabled={accountIds.length === 0}>
              {t('groups.observers.add')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
