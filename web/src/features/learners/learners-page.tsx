import {
  ActionIcon,
  Button,
  Card,
  Checkbox,
  EmptyState,
  Group,
  Menu,
  Modal,
  Paper,
  Select,
  Stack,
  Table,
  Tabs,
  Text,
  TextInput,
  VisuallyHidden,
} from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { useMutation } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams, useSearchParams } from 'react-router';
import { type BulkAction, MEMBER_STATUSES, type Member, type MemberStatus, ROLES, type Role } from '../../api/types';
import { useFormat } from '../../app/format';
import { ErrorAlert, useDescribeError } from '../../components/api-error';
import { GatedButton } from '../../components/gated-button';
import { notify } from '../../components/notify';
import { PageHeader } from '../../components/page-header';
import { StatusBadge } from '../../components/status-badge';
import { ListSkeleton, LoadMore } from '../../components/table-states';
import { groupOptions, useAllGroups } from '../groups/groups.api';
import { usePermissions } from '../orgs/orgs.api';
import { BulkActionModal } from './bulk-action-modal';
import { assignableRoles, CreateLearnerModal } from './create-learner-modal';
import { type MemberFilters, membersApi, useInvalidateMembers, useMemberCounts, useMembers } from './members.api';

const BULK_ACTIONS: BulkAction[] = ['add_to_group', 'remove_from_group', 'archive', 'restore'];

function Dots() {
  return (
    <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <circle cx="3" cy="8" r="1.5" fill="currentColor" />
      <circle cx="8" cy="8" r="1.5" fill="currentColor" />
      <circle cx="13" cy="8" r="1.5" fill="currentColor" />
    </svg>
  );
}

/** Everyone in the organization, by status, with filters, search, selection and bulk actions. */
export function LearnersPage() {
  const { t } = useTranslation();
  const { number, date, dateTime } = useFormat();
  const { orgId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const canManage = usePermissions(orgId).can('members.manage');

  const status = MEMBER_STATUSES.includes(params.get('status') as MemberStatus) ? (params.get('status') as MemberStatus) : undefined;
  const role = ROLES.includes(params.get('role') as Role) ? (params.get('role') as Role) : undefined;
  const groupId = params.get('groupId') ?? undefined;
  const q = params.get('q') ?? '';
  const filters: MemberFilters = { status, role, groupId, q: q || undefined };
  const countFilters = { role, groupId, q: q || undefined };

  const members = useMembers(orgId, filters);
  const counts = useMemberCounts(orgId, countFilters);
  const groups = useAllGroups(orgId);
  const options = useMemo(() => groupOptions(groups.data ?? []), [groups.data]);
  const rows = members.data?.pages.flatMap((p) => p.items) ?? [];
  const total = counts.data ? (status ? counts.data[status] : MEMBER_STATUSES.reduce((sum, s) => sum + (counts.data?.[s] ?? 0), 0)) : undefined;

  const [selected, setSelected] = useState<Map<string, Member>>(new Map());
  const [bulkAction, setBulkAction] = useState<BulkAction | null>(null);
  const [creating, setCreating] = useState(false);
  const [roleFor, setRoleFor] = useState<Member | null>(null);
  const [search, setSearch] = useState(q);

  const setParam = (key: string, value: string | null | undefined) => {
    setSelected(new Map());
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      },
      { replace: true },
    );
  };
  const pushSearch = useDebouncedCallback((value: string) => setParam('q', value.trim()), 300);

  const visible = rows;
  const allChecked = visible.length > 0 && visible.every((m) => selected.has(m.id));
  const someChecked = visible.some((m) => selected.has(m.id)) && !allChecked;
  const toggle = (m: Member) =>
    setSelected((prev) => {
      const next = new Map(prev);
      if (next.has(m.id)) next.delete(m.id);
      else next.set(m.id, m);
      return next;
    });

  const tabLabel = (s: MemberStatus | 'all') => {
    const label = s === 'all' ? t('learners.tabs.all') : t(`status.${s}`);
    const count = counts.data ? (s === 'all' ? MEMBER_STATUSES.reduce((sum, x) => sum + (counts.data?.[x] ?? 0), 0) : counts.data[s]) : undefined;
    return (
      <Group gap={6} wrap="nowrap">
        <span>{label}</span>
        {count !== undefined && (
          <Text span size="xs" fw={700} c="dimmed">
            {number(count)}
          </Text>
        )}
      </Group>
    );
  };

  const filtered = Boolean(status || role || groupId || q);
  const createButton = (
    <GatedButton allowed={canManage} reason={t('permissions.membersManage')} onClick={() => setCreating(true)}>
      {t('learners.create.action')}
    </GatedButton>
  );

  return (
    <Stack gap="lg">
      <PageHeader title={t('nav.learners')} actions={createButton} />

      <Tabs value={status ?? 'all'} onChange={(value) => setParam('status', value === 'all' ? null : value)}>
        <Tabs.List aria-label={t('learners.tabs.label')}>
          <Tabs.Tab value="all">{tabLabel('all')}</Tabs.Tab>
          {MEMBER_STATUSES.map((s) => (
            <Tabs.Tab key={s} value={s}>
              {tabLabel(s)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
      </Tabs>
      {counts.isError && <ErrorAlert error={counts.error} />}

      <Group align="flex-end" gap="sm">
        <TextInput
          label={t('learners.search')}
          value={search}
          onChange={(e) => {
            setSearch(e.currentTarget.value);
            pushSearch(e.currentTarget.value);
          }}
          w={280}
          maw="100%"
        />
        <Select
          label={t('learners.columns.role')}
          placeholder={t('learners.filters.anyRole')}
          data={ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))}
          value={role ?? null}
          onChange={(value) => setParam('role', value)}
          clearable
          w={200}
          comboboxProps={{ withinPortal: true }}
          clearButtonProps={{ 'aria-label': t('common.clear') }}
        />
        <Select
          label={t('learners.filters.group')}
          placeholder={t('learners.filters.anyGroup')}
          data={options}
          value={groupId ?? null}
          onChange={(value) => setParam('groupId', value)}
          searchable
          clearable
          w={260}
          nothingFoundMessage={t('groups.fields.noGroupFound')}
          comboboxProps={{ withinPortal: true }}
          clearButtonProps={{ 'aria-label': t('common.clear') }}
        />
        {filtered && (
          <Button
            variant="subtle"
            onClick={() => {
              setSearch('');
              setSelected(new Map());
              setParams(new URLSearchParams(), { replace: true });
            }}
          >
            {t('learners.filters.reset')}
          </Button>
        )}
      </Group>

      {selected.size > 0 && (
        <Paper withBorder p="sm" radius="md" bg="violet.0" role="region" aria-label={t('learners.bulk.label')}>
          <Group justify="space-between" gap="sm">
            <Text size="sm" fw={600} aria-live="polite">
              {t('learners.bulk.selected', { count: selected.size, n: number(selected.size) })}
            </Text>
            <Group gap="xs">
              {BULK_ACTIONS.map((action) => (
                <GatedButton
                  key={action}
                  size="xs"
                  variant={action === 'archive' ? 'outline' : 'default'}
                  color={action === 'archive' ? 'red.9' : undefined}
                  allowed={canManage}
                  reason={t('permissions.membersManage')}
                  onClick={() => setBulkAction(action)}
                >
                  {t(`learners.bulk.${action}.action`)}
                </GatedButton>
              ))}
              <Button size="xs" variant="subtle" onClick={() => setSelected(new Map())}>
                {t('learners.bulk.clear')}
              </Button>
            </Group>
          </Group>
        </Paper>
      )}

      {members.isPending ? (
        <ListSkeleton rows={5} />
      ) : members.isError ? (
        <ErrorAlert error={members.error} />
      ) : rows.length === 0 ? (
        <Card withBorder radius="md" p="xl">
          <EmptyState>
            <EmptyState.Title order={2}>{filtered ? t('learners.noMatch.title') : t('learners.empty.title')}</EmptyState.Title>
            <EmptyState.Description>{filtered ? t('learners.noMatch.text') : t('learners.empty.text')}</EmptyState.Description>
            {!filtered && <EmptyState.Actions>{createButton}</EmptyState.Actions>}
          </EmptyState>
        </Card>
      ) : (
        <Table.ScrollContainer minWidth={900}>
          <Table highlightOnHover aria-label={t('nav.learners')} style={{ opacity: members.isPlaceholderData ? 0.6 : 1 }}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={40}>
                  <Checkbox
                    aria-label={t('common.selectAllShown')}
                    checked={allChecked}
                    indeterminate={someChecked}
                    onChange={() =>
                      setSelected((prev) => {
                        const next = new Map(prev);
                        for (const m of visible) {
                          if (allChecked) next.delete(m.id);
                          else next.set(m.id, m);
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
                <Table.Th scope="col">{t('learners.columns.source')}</Table.Th>
                <Table.Th scope="col">{t('learners.columns.createdAt')}</Table.Th>
                <Table.Th scope="col">{t('learners.columns.lastLogin')}</Table.Th>
                <Table.Th scope="col">
                  <VisuallyHidden>{t('common.actions')}</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((m) => {
                const who = m.name ?? m.email;
                return (
                  <Table.Tr key={m.id} bg={selected.has(m.id) ? 'var(--mantine-color-violet-light)' : undefined}>
                    <Table.Td>
                      <Checkbox aria-label={t('common.selectRow', { name: who })} checked={selected.has(m.id)} onChange={() => toggle(m)} />
                    </Table.Td>
                    <Table.Td>
                      {m.name ?? (
                        <Text span size="sm" c="dimmed" fs="italic">
                          {t('learners.notAccepted')}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>{m.email}</Table.Td>
                    <Table.Td>{t(`roles.${m.role}`)}</Table.Td>
                    <Table.Td>
                      <StatusBadge status={m.status} />
                    </Table.Td>
                    <Table.Td>{t(`learners.sources.${m.source}`, { defaultValue: m.source })}</Table.Td>
                    <Table.Td>
                      <time dateTime={m.createdAt}>{date(m.createdAt)}</time>
                    </Table.Td>
                    <Table.Td>{m.lastLoginAt ? <time dateTime={m.lastLoginAt}>{dateTime(m.lastLoginAt)}</time> : t('learners.never')}</Table.Td>
                    <Table.Td ta="right">
                      <RowMenu orgId={orgId} member={m} canManage={canManage} onChangeRole={() => setRoleFor(m)} />
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <LoadMore
        hasNextPage={members.hasNextPage}
        loading={members.isFetchingNextPage}
        onLoadMore={() => void members.fetchNextPage()}
        shown={rows.length}
        total={total}
      />

      <BulkActionModal
        orgId={orgId}
        action={bulkAction}
        selected={[...selected.values()]}
        onClose={() => setBulkAction(null)}
        onDone={() => {
          setBulkAction(null);
          setSelected(new Map());
        }}
      />
      <CreateLearnerModal orgId={orgId} opened={creating} onClose={() => setCreating(false)} />
      <RoleModal orgId={orgId} member={roleFor} onClose={() => setRoleFor(null)} />
    </Stack>
  );
}

function RowMenu({ orgId, member, canManage, onChangeRole }: { orgId: string; member: Member; canManage: boolean; onChangeRole: () => void }) {
  const { t } = useTranslation();
  const describe = useDescribeError();
  const invalidate = useInvalidateMembers(orgId);
  const who = member.name ?? member.email;
  const toggleArchive = useMutation({
    mutationFn: () =>
      member.status === 'archived' ? membersApi.restore(orgId, member.accountId ?? '') : membersApi.archive(orgId, member.accountId ?? ''),
    onSuccess: async () => {
      notify.success(t(member.status === 'archived' ? 'learners.restored' : 'learners.archived', { name: who }));
      await invalidate();
    },
    onError: (error) => notify.error(describe(error)),
  });
  const hasAccount = member.accountId !== null;
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <ActionIcon variant="subtle" color="gray" aria-label={t('learners.actionsFor', { name: who })} loading={toggleArchive.isPending}>
          <Dots />
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>
        {!canManage && <Menu.Label maw={240}>{t('permissions.membersManage')}</Menu.Label>}
        {canManage && !hasAccount && <Menu.Label maw={240}>{t('learners.noAccountYet')}</Menu.Label>}
        <Menu.Item disabled={!canManage || !hasAccount} onClick={onChangeRole}>
          {t('learners.changeRole')}
        </Menu.Item>
        {member.status === 'archived' ? (
          <Menu.Item disabled={!canManage || !hasAccount} onClick={() => toggleArchive.mutate()}>
            {t('learners.restore')}
          </Menu.Item>
        ) : (
          <Menu.Item disabled={!canManage || !hasAccount || member.status !== 'active'} c="red.9" onClick={() => toggleArchive.mutate()}>
            {t('learners.archive')}
          </Menu.Item>
        )}
      </Menu.Dropdown>
    </Menu>
  );
}

function RoleModal({ orgId, member, onClose }: { orgId: string; member: Member | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { role: viewerRole } = usePermissions(orgId);
  const roles = assignableRoles(viewerRole);
  const invalidate = useInvalidateMembers(orgId);
  const [role, setRole] = useState<Role | null>(null);
  const save = useMutation({
    mutationFn: (next: Role) => membersApi.setRole(orgId, member?.accountId ?? '', next),
    onSuccess: async (_data, next) => {
      notify.success(t('learners.roleChanged', { name: member?.name ?? member?.email, role: t(`roles.${next}`) }));
      await invalidate();
      setRole(null);
      onClose();
    },
  });
  const close = () => {
    setRole(null);
    save.reset();
    onClose();
  };
  return (
    <Modal opened={member !== null} onClose={close} title={t('learners.changeRoleOf', { name: member?.name ?? member?.email ?? '' })} closeButtonProps={{ 'aria-label': t('common.close') }}>
      <Stack gap="md">
        <Select
          label={t('learners.columns.role')}
          data={ROLES.map((r) => ({ value: r, label: t(`roles.${r}`), disabled: !roles.includes(r) && r !== member?.role }))}
          value={role ?? member?.role ?? null}
          onChange={(value) => setRole(value as Role | null)}
          allowDeselect={false}
          comboboxProps={{ withinPortal: true }}
          data-autofocus
        />
        <ErrorAlert error={save.error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            {t('common.cancel')}
          </Button>
          <Button loading={save.isPending} disabled={!role || role === member?.role} onClick={() => role && save.mutate(role)}>
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
