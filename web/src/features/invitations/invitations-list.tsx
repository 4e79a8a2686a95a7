import { ActionIcon, Button, Group, Menu, Select, Stack, Switch, Table, Text, TextInput } from '@mantine/core';
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { MemberCounts } from '../../api/types';
import { useFormat } from '../../app/format';
import { DotsIcon } from '../../components/dots-icon';
import { EmptyCard } from '../../components/empty-page';
import { GatedButton } from '../../components/gated-button';
import { notify } from '../../components/notify';
import { BulkBar, SELECTED_ROW_BG, SelectAllHeader, SelectRowCell, useRowSelection } from '../../components/row-selection';
import { StatusBadge } from '../../components/status-badge';
import { StatusTabs } from '../../components/status-tabs';
import { ActionsHeader, flattenPages, ListStates, LoadMore } from '../../components/table-states';
import { useUrlFilters } from '../../components/url-filters';
import { groupOptions, useAllGroups } from '../groups/groups.api';
import { InvitationErrorAlert, useInvitationError } from './errors';
import { BulkInvitationsModal, CancelOneModal, ChangeEmailModal, PasteCancelModal } from './invitation-modals';
import {
  canCancel,
  canChangeAddress,
  canResend,
  INVITATION_KINDS,
  INVITATION_STATUSES,
  type Invitation,
  type InvitationKind,
  type InvitationCounts,
  type InvitationFilters,
  type InvitationStatus,
  invitationsApi,
  invitationsRoot,
  useInvalidateInvitations,
  useInvitations,
} from './invitations.api';

/**
 * Per-status numbers, from the members counts (one row per person known to the organization); with a
 * group filter, from the invitations of that group (and its sub-groups when asked).
 */
function useStatusCounts(orgId: string, group: Pick<InvitationFilters, 'groupId' | 'includeSubgroups'>) {
  return useQuery({
    queryKey: group.groupId ? [...invitationsRoot(orgId), 'counts', group] : ['orgs', orgId, 'members', 'counts', 'invitations-page'],
    queryFn: (): Promise<MemberCounts | InvitationCounts> =>
      group.groupId ? invitationsApi.counts(orgId, group) : api.get<MemberCounts>(`/api/v1/orgs/${orgId}/members/counts`),
    placeholderData: keepPreviousData,
  });
}

type Props = {
  orgId: string;
  canManage: boolean;
  canResendAny: boolean;
  onInvite: () => void;
  /** On a group's page: only that group's invitations (the switch still adds its sub-groups). */
  fixedGroupId?: string;
};

/** Every invitation, by status, searchable, with selection, bulk resend and cancel, and per-row actions. */
export function InvitationsList({ orgId, canManage, canResendAny, onInvite, fixedGroupId }: Props) {
  const { t } = useTranslation();
  const { number, date, dateTime } = useFormat();
  const selection = useRowSelection((inv: Invitation) => inv.id);
  const { params, q, setParam, search, onSearchChange, reset } = useUrlFilters(selection.clear);
  const status = INVITATION_STATUSES.includes(params.get('status') as InvitationStatus)
    ? (params.get('status') as InvitationStatus)
    : undefined;
  const kind = INVITATION_KINDS.includes(params.get('kind') as InvitationKind) ? (params.get('kind') as InvitationKind) : undefined;
  const groupId = fixedGroupId ?? params.get('groupId') ?? undefined;
  const withSubgroups = params.get('subgroups') === 'true';
  const groupFilter = { groupId, includeSubgroups: groupId && withSubgroups ? ('true' as const) : undefined };
  const invitations = useInvitations(orgId, { status, kind, q: q || undefined, ...groupFilter });
  const counts = useStatusCounts(orgId, groupFilter);
  const groups = useAllGroups(orgId);
  const groupNames = useMemo(() => new Map((groups.data ?? []).map((g) => [g.id, g.name])), [groups.data]);
  const options = useMemo(() => groupOptions(groups.data ?? []), [groups.data]);
  const rows = flattenPages(invitations.data);

  const [bulk, setBulk] = useState<'resend' | 'cancel' | null>(null);
  const [cancelling, setCancelling] = useState<Invitation | null>(null);
  const [changing, setChanging] = useState<Invitation | null>(null);
  const [pasting, setPasting] = useState(false);

  const filtered = Boolean(status || kind || q || (groupId && !fixedGroupId));
  const total = status && kind === undefined && !q ? counts.data?.[status] : undefined;

  return (
    <Stack gap="md">
      <StatusTabs
        label={t('invitations.list.statusTabs')}
        allLabel={t('invitations.list.all')}
        statuses={INVITATION_STATUSES}
        value={status}
        onChange={(value) => setParam('status', value)}
        countOf={(s) => (s !== 'all' ? counts.data?.[s] : undefined)}
      />
      {counts.isError && <InvitationErrorAlert error={counts.error} />}

      <Group align="flex-end" gap="sm" justify="space-between">
        <Group align="flex-end" gap="sm">
          <TextInput
            label={t('invitations.list.search')}
            type="search"
            value={search}
            onChange={(e) => onSearchChange(e.currentTarget.value)}
            w={280}
            maw="100%"
          />
          <Select
            label={t('invitations.list.kind')}
            placeholder={t('invitations.list.anyKind')}
            data={INVITATION_KINDS.map((k) => ({ value: k, label: t(`invitations.kinds.${k}`) }))}
            value={kind ?? null}
            onChange={(value) => setParam('kind', value)}
            clearable
            w={200}
            comboboxProps={{ withinPortal: true }}
            clearButtonProps={{ 'aria-label': t('common.clear') }}
          />
          {!fixedGroupId && (
            <Select
              label={t('invitations.list.group')}
              placeholder={t('invitations.list.anyGroup')}
              data={options}
              value={groupId ?? null}
              onChange={(value) => setParam('groupId', value)}
              searchable
              clearable
              w={240}
              nothingFoundMessage={t('groups.fields.noGroupFound')}
              comboboxProps={{ withinPortal: true }}
              clearButtonProps={{ 'aria-label': t('common.clear') }}
            />
          )}
          <Switch
            label={t('invitations.list.includeSubgroups')}
            description={groupId ? undefined : t('invitations.list.includeSubgroupsHelp')}
            checked={withSubgroups}
            disabled={!groupId}
            onChange={(e) => setParam('subgroups', e.currentTarget.checked ? 'true' : null)}
            mb={6}
          />
          {filtered && (
            <Button variant="subtle" onClick={() => reset(['status', 'kind', 'q', 'subgroups', ...(fixedGroupId ? [] : ['groupId'])])}>
              {t('invitations.list.reset')}
            </Button>
          )}
        </Group>
        <GatedButton variant="default" allowed={canManage} reason={t('invitations.permissions.manage')} onClick={() => setPasting(true)}>
          {t('invitations.pasteCancel.open')}
        </GatedButton>
      </Group>

      {selection.size > 0 && (
        <BulkBar
          label={t('invitations.bulk.label')}
          status={t('invitations.bulk.selected', { count: selection.size, n: number(selection.size) })}
          clearLabel={t('invitations.bulk.clear')}
          onClear={selection.clear}
        >
          <GatedButton
            size="xs"
            variant="default"
            allowed={canResendAny}
            reason={t('invitations.permissions.resend')}
            onClick={() => setBulk('resend')}
          >
            {t('invitations.bulk.resend')}
          </GatedButton>
          <GatedButton
            size="xs"
            variant="outline"
            color="red.8"
            allowed={canManage}
            reason={t('invitations.permissions.manage')}
            onClick={() => setBulk('cancel')}
          >
            {t('invitations.bulk.cancel')}
          </GatedButton>
        </BulkBar>
      )}

      <ListStates
        query={invitations}
        skeletonRows={5}
        errorAlert={InvitationErrorAlert}
        isEmpty={rows.length === 0}
        empty={
          <EmptyCard
            title={filtered ? t('invitations.list.noMatchTitle') : t('invitations.empty.title')}
            text={filtered ? t('invitations.list.noMatchText') : t('invitations.empty.text')}
            action={!filtered && <Button onClick={onInvite}>{t('invitations.tabs.invite')}</Button>}
          />
        }
      >
        <Table.ScrollContainer minWidth={960}>
          <Table
            highlightOnHover
            aria-label={t('invitations.list.table')}
            aria-busy={invitations.isPlaceholderData || undefined}
            style={{ opacity: invitations.isPlaceholderData ? 0.6 : 1 }}
          >
            <Table.Thead>
              <Table.Tr>
                <SelectAllHeader selection={selection} rows={rows} />
                <Table.Th scope="col">{t('invitations.columns.email')}</Table.Th>
                <Table.Th scope="col">{t('invitations.columns.status')}</Table.Th>
                <Table.Th scope="col">{t('invitations.columns.kind')}</Table.Th>
                <Table.Th scope="col">{t('invitations.columns.groups')}</Table.Th>
                <Table.Th scope="col">{t('invitations.columns.role')}</Table.Th>
                <Table.Th scope="col">{t('invitations.columns.sent')}</Table.Th>
                <Table.Th scope="col">{t('invitations.columns.created')}</Table.Th>
                <ActionsHeader />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((inv) => (
                <Table.Tr key={inv.id} bg={selection.isSelected(inv) ? SELECTED_ROW_BG : undefined}>
                  <SelectRowCell selection={selection} row={inv} name={inv.email} />
                  <Table.Td style={{ overflowWrap: 'anywhere' }}>{inv.email}</Table.Td>
                  <Table.Td>
                    <Stack gap={2} align="flex-start">
                      <StatusBadge status={inv.status} />
                      {inv.lastError && inv.status === 'prospect' && (
                        <Text size="xs" c="red.9" maw={260} style={{ overflowWrap: 'anywhere' }}>
                          {t('invitations.list.deliveryFailed', { error: inv.lastError })}
                        </Text>
                      )}
                      {inv.reminded && (
                        <Text size="xs" c="dimmed">
                          {t('observers.reminders.reminded', { count: inv.reminded.count, date: date(inv.reminded.lastAt) })}
                        </Text>
                      )}
                    </Stack>
                  </Table.Td>
                  <Table.Td>{t(`invitations.kinds.${inv.kind}`)}</Table.Td>
                  <Table.Td>
                    {inv.groupIds.map((id) => groupNames.get(id) ?? t('invitations.list.deletedGroup')).join(', ') || '—'}
                  </Table.Td>
                  <Table.Td>{t(`roles.${inv.role}`, { defaultValue: inv.role })}</Table.Td>
                  <Table.Td>
                    {inv.sentAt ? (
                      <time dateTime={inv.sentAt}>{dateTime(inv.sentAt)}</time>
                    ) : inv.sendAt && inv.status === 'prospect' ? (
                      <Text span size="sm">
                        {t('invitations.list.scheduledFor', { date: dateTime(inv.sendAt) })}
                      </Text>
                    ) : (
                      <Text span size="sm" c="dimmed">
                        {inv.kind === 'email' || inv.kind === 'session' ? t('invitations.list.notSent') : '—'}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <time dateTime={inv.createdAt}>{date(inv.createdAt)}</time>
                  </Table.Td>
                  <Table.Td ta="right">
                    <RowMenu
                      orgId={orgId}
                      invitation={inv}
                      canManage={canManage}
                      canResendAny={canResendAny}
                      onCancel={() => setCancelling(inv)}
                      onChangeEmail={() => setChanging(inv)}
                    />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </ListStates>
      <LoadMore query={invitations} shown={rows.length} total={total} />

      <BulkInvitationsModal
        orgId={orgId}
        action={bulk}
        selected={selection.rows}
        onClose={() => setBulk(null)}
        onDone={() => {
          setBulk(null);
          selection.clear();
        }}
      />
      <CancelOneModal orgId={orgId} invitation={cancelling} onClose={() => setCancelling(null)} />
      <ChangeEmailModal orgId={orgId} invitation={changing} onClose={() => setChanging(null)} />
      <PasteCancelModal orgId={orgId} opened={pasting} canManage={canManage} onClose={() => setPasting(false)} />
    </Stack>
  );
}

type RowProps = {
  orgId: string;
  invitation: Invitation;
  canManage: boolean;
  canResendAny: boolean;
  onCancel: () => void;
  onChangeEmail: () => void;
};

function RowMenu({ orgId, invitation: inv, canManage, canResendAny, onCancel, onChangeEmail }: RowProps) {
  const { t } = useTranslation();
  const describe = useInvitationError();
  const invalidate = useInvalidateInvitations(orgId);
  const resend = useMutation({
    mutationFn: () => invitationsApi.resendOne(orgId, inv.id),
    onSuccess: async () => {
      notify.success(t('invitations.actions.resent', { email: inv.email }));
      await invalidate();
    },
    onError: (error) => notify.error(describe(error)),
  });
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <ActionIcon
          variant="subtle"
          color="gray"
          aria-label={t('invitations.actions.for', { email: inv.email })}
          loading={resend.isPending}
        >
          <DotsIcon />
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>
        {!canManage && <Menu.Label maw={260}>{t('invitations.permissions.manage')}</Menu.Label>}
        <Menu.Item disabled={!canResendAny || !canResend(inv)} onClick={() => resend.mutate()}>
          {t('invitations.actions.resend')}
        </Menu.Item>
        <Menu.Item disabled={!canManage || !canChangeAddress(inv)} onClick={onChangeEmail}>
          {t('invitations.actions.changeEmail')}
        </Menu.Item>
        <Menu.Item disabled={!canManage || !canCancel(inv)} color="red.8" onClick={onCancel}>
          {t('invitations.actions.cancel')}
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
