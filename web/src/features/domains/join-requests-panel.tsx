import { Badge, Checkbox, Group, SegmentedControl, Stack, Table, Tabs, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams, useSearchParams } from 'react-router';
import { useFormat } from '../../app/format';
import { ErrorAlert } from '../../components/api-error';
import { GatedButton } from '../../components/gated-button';
import { notify } from '../../components/notify';
import { ListSkeleton } from '../../components/table-states';
import { useAllGroups } from '../groups/groups.api';
import { LearnersPage } from '../learners/learners-page';
import { usePermissions } from '../orgs/orgs.api';
import { useLocations } from '../settings/settings.api';
import { type JoinRequest, useDecideRequests, useJoinRequests } from './domains.api';

type Status = JoinRequest['status'];
const STATUSES: Status[] = ['pending', 'approved', 'rejected'];

/** Learners, with a Requests tab (join requests waiting for a decision) for those who may see them. */
export function LearnersWithRequests() {
  const { t } = useTranslation();
  const { orgId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const canSee = usePermissions(orgId).can('joinrequests.read');
  const pending = useJoinRequests(orgId, 'pending', canSee);
  if (!canSee) return <LearnersPage />;
  const view = params.get('view') === 'requests' ? 'requests' : 'people';
  const count = pending.data?.counts.pending;
  return (
    <Stack gap="md">
      <Tabs value={view} onChange={(v) => setParams(v === 'requests' ? { view: 'requests' } : {})}>
        <Tabs.List aria-label={t('domains.requests.tabsLabel')}>
          <Tabs.Tab value="people">{t('domains.requests.peopleTab')}</Tabs.Tab>
          <Tabs.Tab
            value="requests"
            rightSection={
              count ? (
                <Badge size="sm" circle variant="light" c="dark.9" aria-label={t('domains.requests.pendingCount', { count })}>
                  {count}
                </Badge>
              ) : undefined
            }
          >
            {t('domains.requests.tab')}
          </Tabs.Tab>
        </Tabs.List>
      </Tabs>
      {view === 'requests' ? <JoinRequestsPanel orgId={orgId} /> : <LearnersPage />}
    </Stack>
  );
}

/** People asking to join: address, chosen group and location, when; approve or reject one or many. */
function JoinRequestsPanel({ orgId }: { orgId: string }) {
  const { t } = useTranslation();
  const { dateTime } = useFormat();
  const [status, setStatus] = useState<Status>('pending');
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const canDecide = usePermissions(orgId).can('joinrequests.manage');
  const requests = useJoinRequests(orgId, status);
  const groups = useAllGroups(orgId);
  const locations = useLocations(orgId);
  const decide = useDecideRequests(orgId);
  const groupName = new Map((groups.data ?? []).map((g) => [g.id, g.name]));
  const locationName = new Map((locations.data?.items ?? []).map((l) => [l.id, l.name]));
  const items = requests.data?.items ?? [];
  const counts = requests.data?.counts;

  const run = (decision: 'approve' | 'reject', ids: string[]) =>
    decide.mutate(
      { decision, requestIds: ids },
      {
        onSuccess: (res) => {
          setSelected(new Set());
          notify.success(
            t(decision === 'approve' ? 'domains.requests.approvedToast' : 'domains.requests.rejectedToast', { count: res.decided.length }),
          );
        },
      },
    );
  const reason = t('domains.requests.notAllowed');
  const allSelected = items.length > 0 && items.every((i) => selected.has(i.id));

  return (
    <Stack gap="md">
      <SegmentedControl
        aria-label={t('domains.requests.statusLabel')}
        value={status}
        onChange={(v) => {
          setStatus(v as Status);
          setSelected(new Set());
        }}
        data={STATUSES.map((s) => ({
          value: s,
          label: `${t(`domains.requests.status.${s}`)}${counts ? ` ${counts[s]}` : ''}`,
        }))}
        w="fit-content"
      />
      {status === 'pending' && (
        <Group gap="sm">
          <GatedButton
            allowed={canDecide}
            reason={reason}
            disabled={selected.size === 0}
            loading={decide.isPending}
            onClick={() => run('approve', [...selected])}
          >
            {t('domains.requests.approveSelected', { count: selected.size })}
          </GatedButton>
          <GatedButton
            allowed={canDecide}
            reason={reason}
            variant="default"
            disabled={selected.size === 0}
            onClick={() => run('reject', [...selected])}
          >
            {t('domains.requests.rejectSelected', { count: selected.size })}
          </GatedButton>
        </Group>
      )}
      <ErrorAlert error={decide.error} />
      {requests.isPending ? (
        <ListSkeleton rows={3} />
      ) : requests.isError ? (
        <ErrorAlert error={requests.error} />
      ) : items.length === 0 ? (
        <Text fs="italic">{t(status === 'pending' ? 'domains.requests.emptyPending' : 'domains.requests.empty')}</Text>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table verticalSpacing="sm" aria-label={t('domains.requests.tableLabel')}>
            <Table.Thead>
              <Table.Tr>
                {status === 'pending' && (
                  <Table.Th w={40}>
                    <Checkbox
                      aria-label={t('domains.requests.selectAll')}
                      checked={allSelected}
                      onChange={() => setSelected(allSelected ? new Set() : new Set(items.map((i) => i.id)))}
                    />
                  </Table.Th>
                )}
                <Table.Th>{t('domains.requests.email')}</Table.Th>
                <Table.Th>{t('domains.requests.group')}</Table.Th>
                <Table.Th>{t('domains.requests.location')}</Table.Th>
                <Table.Th>{t('domains.requests.source')}</Table.Th>
                <Table.Th>{t('domains.requests.date')}</Table.Th>
                {status === 'pending' && <Table.Th>{t('domains.requests.actions')}</Table.Th>}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((r) => (
                <Table.Tr key={r.id}>
                  {status === 'pending' && (
                    <Table.Td>
                      <Checkbox
                        aria-label={t('domains.requests.select', { email: r.email })}
                        checked={selected.has(r.id)}
                        onChange={() => {
                          const next = new Set(selected);
                          if (next.has(r.id)) next.delete(r.id);
                          else next.add(r.id);
                          setSelected(next);
                        }}
                      />
                    </Table.Td>
                  )}
                  <Table.Td>{r.email}</Table.Td>
                  <Table.Td>{r.groupId ? (groupName.get(r.groupId) ?? '—') : t('domains.requests.domainGroups')}</Table.Td>
                  <Table.Td>{r.locationId ? (locationName.get(r.locationId) ?? '—') : '—'}</Table.Td>
                  <Table.Td>{t(`domains.requests.sources.${r.source}`)}</Table.Td>
                  <Table.Td>{dateTime(r.createdAt)}</Table.Td>
                  {status === 'pending' && (
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap">
                        <GatedButton
                          allowed={canDecide}
                          reason={reason}
                          size="xs"
                          onClick={() => run('approve', [r.id])}
                          aria-label={t('domains.requests.approveOne', { email: r.email })}
                        >
                          {t('domains.requests.approve')}
                        </GatedButton>
                        <GatedButton
                          allowed={canDecide}
                          reason={reason}
                          size="xs"
                          variant="default"
                          onClick={() => run('reject', [r.id])}
                          aria-label={t('domains.requests.rejectOne', { email: r.email })}
                        >
                          {t('domains.requests.reject')}
                        </GatedButton>
                      </Group>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
