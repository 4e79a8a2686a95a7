import {
  ActionIcon,
  Button,
  Card,
  Checkbox,
  EmptyState,
  Group,
  Menu,
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
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { api } from '../../api/client';
import type { MemberCounts } from '../../api/types';
import { useFormat } from '../../app/format';
import { GatedButton } from '../../components/gated-button';
import { notify } from '../../components/notify';
import { StatusBadge } from '../../components/status-badge';
import { ListSkeleton, LoadMore } from '../../components/table-states';
import { useAllGroups } from '../groups/groups.api';
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
  type InvitationStatus,
  invitationsApi,
  useInvalidateInvitations,
  useInvitations,
} from './invitations.api';

function Dots() {
  return (
    <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <circle cx="3" cy="8" r="1.5" fill="currentColor" />
      <circle cx="8" cy="8" r="1.5" fill="currentColor" />
      <circle cx="13" cy="8" r="1.5" fill="currentColor" />
    </svg>
  );
}

/** Per-status numbers, from the members counts (one row per person known to the organization). */
function useStatusCounts(orgId: string) {
  return useQuery({
    queryKey: ['orgs', orgId, 'members', 'counts', 'invitations-page'],
    queryFn: () => api.get<MemberCounts>(`/api/v1/orgs/${orgId}/members/counts`),
    placeholderData: keepPreviousData,
  });
}

type Props = { orgId: string; canManage: boolean; canResendAny: boolean; onInvite: () => void };

/** Every invitation, by status, searchable, with selection, bulk resend and cancel, and per-row actions. */
export function InvitationsList({ orgId, canManage, canResendAny, onInvite }: Props) {
  const { t } = useTranslation();
  const { number, date, dateTime } = useFormat();
  const [params, setParams] = useSearchParams();
  const status = INVITATION_STATUSES.includes(params.get('status') as InvitationStatus)
    ? (params.get('status') as InvitationStatus)
    : undefined;
  const kind = INVITATION_KINDS.includes(params.get('kind') as InvitationKind) ? (params.get('kind') as InvitationKind) : undefined;
  const q = params.get('q') ?? '';
  const invitations = useInvitations(orgId, { status, kind, q: q || undefined });
  const counts = useStatusCounts(orgId);
  const groups = useAllGroups(orgId);
  const groupNames = useMemo(() => new Map((groups.data ?? []).map((g) => [g.id, g.name])), [groups.data]);
  const rows = invitations.data?.pages.flatMap((p) => p.items) ?? [];

  const [search, setSearch] = useState(q);
  const [selected, setSelected] = useState<Map<string, Invitation>>(new Map());
  const [bulk, setBulk] = useState<'resend' | 'cancel' | null>(null);
  const [cancelling, setCancelling] = useState<Invitation | null>(null);
  const [changing, setChanging] = useState<Invitation | null>(null);
  const [pasting, setPasting] = useState(false);

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

  const allChecked = rows.length > 0 && rows.every((r) => selected.has(r.id));
  const someChecked = rows.some((r) => selected.has(r.id)) && !allChecked;
  const toggle = (inv: Invitation) =>
    setSelected((prev) => {
      const next = new Map(prev);
      if (next.has(inv.id)) next.delete(inv.id);
      else next.set(inv.id, inv);
      return next;
    });

  const tabLabel = (s: InvitationStatus | 'all') => {
    const count = s !== 'all' ? counts.data?.[s] : undefined;
    return (
      <Group gap={6} wrap="nowrap">
        <span>{s === 'all' ? t('invitations.list.all') : t(`status.${s}`)}</span>
        {count !== undefined && (
          <Text span size="xs" fw={700} c="dimmed">
            {number(count)}
          </Text>
        )}
      </Group>
    );
  };

  const filtered = Boolean(status || kind || q);
  const total = status && kind === undefined && !q ? counts.data?.[status] : undefined;
  const selectedList = [...selected.values()];

  return (
    <Stack gap="md">
      <Tabs value={status ?? 'all'} onChange={(value) => setParam('status', value === 'all' ? null : value)}>
        <Tabs.List aria-label={t('invitations.list.statusTabs')}>
          <Tabs.Tab value="all">{tabLabel('all')}</Tabs.Tab>
          {INVITATION_STATUSES.map((s) => (
            <Tabs.Tab key={s} value={s}>
              {tabLabel(s)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
      </Tabs>
      {counts.isError && <InvitationErrorAlert error={counts.error} />}

      <Group align="flex-end" gap="sm" justify="space-between">
        <Group align="flex-end" gap="sm">
          <TextInput
            label={t('invitations.list.search')}
            type="search"
            value={search}
            onChange={(e) => {
              setSearch(e.currentTarget.value);
              pushSearch(e.currentTarget.value);
            }}
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
          {filtered && (
            <Button
              variant="subtle"
              onClick={() => {
                setSearch('');
                setSelected(new Map());
                setParams(
                  (prev) => {
                    const next = new URLSearchParams(prev);
                    for (const key of ['status', 'kind', 'q']) next.delete(key);
                    return next;
                  },
                  { replace: true },
                );
              }}
            >
              {t('invitations.list.reset')}
            </Button>
          )}
        </Group>
        <GatedButton variant="default" allowed={canManage} reason={t('invitations.permissions.manage')} onClick={() => setPasting(true)}>
          {t('invitations.pasteCancel.open')}
        </GatedButton>
      </Group>

      {selected.size > 0 && (
        <Paper withBorder p="sm" radius="md" bg="violet.0" role="region" aria-label={t('invitations.bulk.label')}>
          <Group justify="space-between" gap="sm">
            <Text size="sm" fw={600} aria-live="polite">
              {t('invitations.bulk.selected', { count: selected.size, n: number(selected.size) })}
            </Text>
            <Group gap="xs">
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
              <Button size="xs" variant="subtle" onClick={() => setSelected(new Map())}>
                {t('invitations.bulk.clear')}
              </Button>
            </Group>
          </Group>
        </Paper>
      )}

      {invitations.isPending ? (
        <ListSkeleton rows={5} />
      ) : invitations.isError ? (
        <InvitationErrorAlert error={invitations.error} />
      ) : rows.length === 0 ? (
        <Card withBorder radius="md" p="xl">
          <EmptyState>
            <EmptyState.Title order={2}>{filtered ? t('invitations.list.noMatchTitle') : t('invitations.empty.title')}</EmptyState.Title>
            <EmptyState.Description>{filtered ? t('invitations.list.noMatchText') : t('invitations.empty.text')}</EmptyState.Description>
            {!filtered && (
              <EmptyState.Actions>
                <Button onClick={onInvite}>{t('invitations.tabs.invite')}</Button>
              </EmptyState.Actions>
            )}
          </EmptyState>
        </Card>
      ) : (
        <Table.ScrollContainer minWidth={960}>
          <Table
            highlightOnHover
            aria-label={t('invitations.list.table')}
            aria-busy={invitations.isPlaceholderData || undefined}
            style={{ opacity: invitations.isPlaceholderData ? 0.6 : 1 }}
          >
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
                        for (const r of rows) {
                          if (allChecked) next.delete(r.id);
                          else next.set(r.id, r);
                        }
                        return next;
                      })
                    }
                  />
                </Table.Th>
                <Table.Th scope="col">{t('invitations.columns.email')}</Table.Th>
                <Table.Th scope="col">{t('invitations.columns.status')}</Table.Th>
                <Table.Th scope="col">{t('invitations.columns.kind')}</Table.Th>
                <Table.Th scope="col">{t('invitations.columns.groups')}</Table.Th>
                <Table.Th scope="col">{t('invitations.columns.role')}</Table.Th>
                <Table.Th scope="col">{t('invitations.columns.sent')}</Table.Th>
                <Table.Th scope="col">{t('invitations.columns.created')}</Table.Th>
                <Table.Th scope="col">
                  <VisuallyHidden>{t('common.actions')}</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((inv) => (
                <Table.Tr key={inv.id} bg={selected.has(inv.id) ? 'var(--mantine-color-violet-light)' : undefined}>
                  <Table.Td>
                    <Checkbox
                      aria-label={t('common.selectRow', { name: inv.email })}
                      checked={selected.has(inv.id)}
                      onChange={() => toggle(inv)}
                    />
                  </Table.Td>
                  <Table.Td style={{ overflowWrap: 'anywhere' }}>{inv.email}</Table.Td>
                  <Table.Td>
                    <Stack gap={2} align="flex-start">
                      <StatusBadge status={inv.status} />
                      {inv.lastError && inv.status === 'prospect' && (
                        <Text size="xs" c="red.9" maw={260} style={{ overflowWrap: 'anywhere' }}>
                          {t('invitations.list.deliveryFailed', { error: inv.lastError })}
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
      )}
      <LoadMore
        hasNextPage={invitations.hasNextPage}
        loading={invitations.isFetchingNextPage}
        onLoadMore={() => void invitations.fetchNextPage()}
        shown={rows.length}
        total={total}
      />

      <BulkInvitationsModal
        orgId={orgId}
        action={bulk}
        selected={selectedList}
        onClose={() => setBulk(null)}
        onDone={() => {
          setBulk(null);
          setSelected(new Map());
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
        <ActionIcon variant="subtle" color="gray" aria-label={t('invitations.actions.for', { email: inv.email })} loading={resend.isPending}>
          <Dots />
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
