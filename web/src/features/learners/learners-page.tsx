import { ActionIcon, Button, Group, Menu, Modal, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { type BulkAction, MEMBER_STATUSES, type Member, type MemberStatus, ROLES, type Role } from '../../api/types';
import { useFormat } from '../../app/format';
import { ErrorAlert, useDescribeError } from '../../components/api-error';
import { DotsIcon } from '../../components/dots-icon';
import { EmptyCard } from '../../components/empty-page';
import { GatedButton } from '../../components/gated-button';
import { notify } from '../../components/notify';
import { PageHeader } from '../../components/page-header';
import { BulkBar, SELECTED_ROW_BG, SelectAllHeader, SelectRowCell, useRowSelection } from '../../components/row-selection';
import { StatusBadge } from '../../components/status-badge';
import { StatusTabs } from '../../components/status-tabs';
import { ActionsHeader, flattenPages, ListStates, LoadMore } from '../../components/table-states';
import { useUrlFilters } from '../../components/url-filters';
import { ChangeMemberEmailModal } from '../email-change/change-member-email-modal';
import { groupOptions, useAllGroups } from '../groups/groups.api';
import { usePermissions } from '../orgs/orgs.api';
import { FieldCells, FieldFilter, FieldHeaders, useFieldColumns } from '../profile-fields/field-columns';
import { MemberFieldsModal } from '../profile-fields/member-fields-modal';
import { BulkActionModal } from './bulk-action-modal';
import { CreateLearnerModal } from './create-learner-modal';
import { type MemberFilters, membersApi, useInvalidateMembers, useMemberCounts, useMembers } from './members.api';

const BULK_ACTIONS: BulkAction[] = ['add_to_group', 'remove_from_group', 'archive', 'restore'];

/** Everyone in the organization, by status, with filters, search, selection and bulk actions. */
export function LearnersPage() {
  const { t } = useTranslation();
  const { number, date, dateTime } = useFormat();
  const { orgId = '' } = useParams();
  const permissions = usePermissions(orgId);
  const canManage = permissions.can('members.manage');
  const selection = useRowSelection((m: Member) => m.id);
  const { params, q, setParam, search, onSearchChange, reset } = useUrlFilters(selection.clear);

  const status = MEMBER_STATUSES.includes(params.get('status') as MemberStatus) ? (params.get('status') as MemberStatus) : undefined;
  const role = ROLES.includes(params.get('role') as Role) ? (params.get('role') as Role) : undefined;
  const groupId = params.get('groupId') ?? undefined;
  const field = params.get('field') ?? undefined;
  const fieldValue = field ? (params.get('fieldValue') ?? '') : undefined;
  const filters: MemberFilters = { status, role, groupId, q: q || undefined, field, fieldValue };
  const countFilters = { role, groupId, q: q || undefined, field, fieldValue };
  const fieldColumns = useFieldColumns(orgId);

  const members = useMembers(orgId, filters);
  const counts = useMemberCounts(orgId, countFilters);
  const groups = useAllGroups(orgId);
  const options = useMemo(() => groupOptions(groups.data ?? []), [groups.data]);
  const rows = flattenPages(members.data);
  const countOf = (s: MemberStatus | 'all') =>
    counts.data ? (s === 'all' ? MEMBER_STATUSES.reduce((sum, x) => sum + (counts.data?.[x] ?? 0), 0) : counts.data[s]) : undefined;
  const total = countOf(status ?? 'all');

  const [bulkAction, setBulkAction] = useState<BulkAction | null>(null);
  const [creating, setCreating] = useState(false);
  const [roleFor, setRoleFor] = useState<Member | null>(null);
  const [emailFor, setEmailFor] = useState<Member | null>(null);
  const [fieldsFor, setFieldsFor] = useState<Member | null>(null);

  const filtered = Boolean(status || role || groupId || q || field);
  const createButton = (
    <GatedButton allowed={canManage} reason={t('permissions.membersManage')} onClick={() => setCreating(true)}>
      {t('learners.create.action')}
    </GatedButton>
  );

  return (
    <Stack gap="lg">
      <PageHeader title={t('nav.learners')} actions={createButton} />

      <StatusTabs
        label={t('learners.tabs.label')}
        allLabel={t('learners.tabs.all')}
        statuses={MEMBER_STATUSES}
        value={status}
        onChange={(value) => setParam('status', value)}
        countOf={countOf}
      />
      {counts.isError && <ErrorAlert error={counts.error} />}

      <Group align="flex-end" gap="sm">
        <TextInput label={t('learners.search')} value={search} onChange={(e) => onSearchChange(e.currentTarget.value)} w={280} maw="100%" />
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
        <FieldFilter
          orgId={orgId}
          field={field ?? null}
          value={fieldValue ?? ''}
          onField={(value) => setParam('field', value)}
          onValue={(value) => setParam('fieldValue', value)}
        />
        {filtered && (
          <Button variant="subtle" onClick={() => reset()}>
            {t('learners.filters.reset')}
          </Button>
        )}
      </Group>

      {selection.size > 0 && (
        <BulkBar
          label={t('learners.bulk.label')}
          status={t('learners.bulk.selected', { count: selection.size, n: number(selection.size) })}
          clearLabel={t('learners.bulk.clear')}
          onClear={selection.clear}
        >
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
        </BulkBar>
      )}

      <ListStates
        query={members}
        skeletonRows={5}
        isEmpty={rows.length === 0}
        empty={
          <EmptyCard
            title={filtered ? t('learners.noMatch.title') : t('learners.empty.title')}
            text={filtered ? t('learners.noMatch.text') : t('learners.empty.text')}
            action={!filtered && createButton}
          />
        }
      >
        <Table.ScrollContainer minWidth={900}>
          <Table highlightOnHover aria-label={t('nav.learners')} style={{ opacity: members.isPlaceholderData ? 0.6 : 1 }}>
            <Table.Thead>
              <Table.Tr>
                <SelectAllHeader selection={selection} rows={rows} />
                <Table.Th scope="col">{t('fields.name')}</Table.Th>
                <Table.Th scope="col">{t('fields.email')}</Table.Th>
                <Table.Th scope="col">{t('learners.columns.role')}</Table.Th>
                <Table.Th scope="col">{t('learners.columns.status')}</Table.Th>
                <Table.Th scope="col">{t('learners.columns.source')}</Table.Th>
                <Table.Th scope="col">{t('learners.columns.createdAt')}</Table.Th>
                <Table.Th scope="col">{t('learners.columns.lastLogin')}</Table.Th>
                <FieldHeaders fields={fieldColumns} />
                <ActionsHeader />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((m) => (
                <Table.Tr key={m.id} bg={selection.isSelected(m) ? SELECTED_ROW_BG : undefined}>
                  <SelectRowCell selection={selection} row={m} name={m.name ?? m.email} />
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
                  <Table.Td>
                    {m.lastLoginAt ? <time dateTime={m.lastLoginAt}>{dateTime(m.lastLoginAt)}</time> : t('learners.never')}
                  </Table.Td>
                  <FieldCells fields={fieldColumns} member={m} />
                  <Table.Td ta="right">
                    <RowMenu
                      orgId={orgId}
                      member={m}
                      canManage={canManage}
                      grantableRoles={permissions.grantableRoles}
                      onChangeRole={() => setRoleFor(m)}
                      onChangeEmail={() => setEmailFor(m)}
                      onEditFields={() => setFieldsFor(m)}
                    />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </ListStates>
      <LoadMore query={members} shown={rows.length} total={total} />

      <BulkActionModal
        orgId={orgId}
        action={bulkAction}
        selected={selection.rows}
        onClose={() => setBulkAction(null)}
        onDone={() => {
          setBulkAction(null);
          selection.clear();
        }}
      />
      <CreateLearnerModal orgId={orgId} opened={creating} onClose={() => setCreating(false)} />
      <RoleModal orgId={orgId} member={roleFor} onClose={() => setRoleFor(null)} />
      <ChangeMemberEmailModal orgId={orgId} member={emailFor} onClose={() => setEmailFor(null)} />
      <MemberFieldsModal
        orgId={orgId}
        member={fieldsFor?.accountId ? { accountId: fieldsFor.accountId, name: fieldsFor.name ?? fieldsFor.email } : null}
        onClose={() => setFieldsFor(null)}
      />
    </Stack>
  );
}

function RowMenu({
  orgId,
  member,
  canManage,
  grantableRoles,
  onChangeRole,
  onChangeEmail,
  onEditFields,
}: {
  orgId: string;
  member: Member;
  canManage: boolean;
  /** From /api/v1/me: a member whose role the viewer may not give is out of its reach. */
  grantableRoles: readonly Role[];
  onChangeRole: () => void;
  onChangeEmail: () => void;
  onEditFields: () => void;
}) {
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
  const outranked = !grantableRoles.includes(member.role);
  const locked = !canManage || !hasAccount || outranked;
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <ActionIcon variant="subtle" color="gray" aria-label={t('learners.actionsFor', { name: who })} loading={toggleArchive.isPending}>
          <DotsIcon />
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>
        {!canManage && <Menu.Label maw={240}>{t('permissions.membersManage')}</Menu.Label>}
        {canManage && !hasAccount && <Menu.Label maw={240}>{t('learners.noAccountYet')}</Menu.Label>}
        {canManage && hasAccount && outranked && <Menu.Label maw={240}>{t('learners.outranked')}</Menu.Label>}
        <Menu.Item disabled={locked} onClick={onChangeRole}>
          {t('learners.changeRole')}
        </Menu.Item>
        <Menu.Item disabled={locked} onClick={onChangeEmail}>
          {t('emailChange.menuItem')}
        </Menu.Item>
        <Menu.Item disabled={!canManage || !hasAccount} onClick={onEditFields}>
          {t('profileFields.member.menuItem')}
        </Menu.Item>
        {member.status === 'archived' ? (
          <Menu.Item disabled={locked} onClick={() => toggleArchive.mutate()}>
            {t('learners.restore')}
          </Menu.Item>
        ) : (
          <Menu.Item disabled={locked || member.status !== 'active'} c="red.9" onClick={() => toggleArchive.mutate()}>
            {t('learners.archive')}
          </Menu.Item>
        )}
      </Menu.Dropdown>
    </Menu>
  );
}

function RoleModal({ orgId, member, onClose }: { orgId: string; member: Member | null; onClose: () => void }) {
  const { t } = useTranslation();
  const roles = usePermissions(orgId).grantableRoles;
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
    <Modal
      opened={member !== null}
      onClose={close}
      title={t('learners.changeRoleOf', { name: member?.name ?? member?.email ?? '' })}
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
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
