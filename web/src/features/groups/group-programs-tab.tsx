import { Anchor, Card, Group, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Assignment, GroupDetail, ProgramSession } from '../../api/types';
import { useFormat } from '../../app/format';
import { useDescribeError } from '../../components/api-error';
import { ConfirmModal } from '../../components/confirm-modal';
import { GatedButton } from '../../components/gated-button';
import { notify } from '../../components/notify';
import { SessionStatusBadge } from '../../components/status-badge';
import { ActionsHeader, EmptyNote, flattenPages, ListStates, LoadMore } from '../../components/table-states';
import { useProgramSearch, useSessions } from '../programs/programs.api';
import { groupsApi, useAssignments, useGroupMutation } from './groups.api';

type Props = { orgId: string; group: GroupDetail; canManage: boolean };

/** "1 Sep 2026, 09:00 → 30 Sep 2026, 17:00" or "from 1 Sep 2026, 09:00". */
export function useSessionLabel() {
  const { t } = useTranslation();
  const { dateTime } = useFormat();
  return (s: { opensAt: string; closesAt: string | null }) =>
    s.closesAt
      ? t('sessions.range', { opens: dateTime(s.opensAt), closes: dateTime(s.closesAt) })
      : t('sessions.openEnded', { opens: dateTime(s.opensAt) });
}

/** Program sessions attached to the group: attach one, detach. */
export function ProgramsTab({ orgId, group, canManage }: Props) {
  const { t } = useTranslation();
  const { date } = useFormat();
  const sessionLabel = useSessionLabel();
  const assignments = useAssignments(orgId, group.id);
  const rows = flattenPages(assignments.data);
  const [detaching, setDetaching] = useState<Assignment | null>(null);
  const detach = useGroupMutation(orgId, (a: Assignment) => groupsApi.detach(orgId, group.id, a.sessionId));

  return (
    <Stack gap="lg">
      <AttachForm orgId={orgId} group={group} canManage={canManage} attached={new Set(rows.map((r) => r.sessionId))} />
      <Stack gap="sm">
        <Title order={2} fz="h4">
          {t('groups.programs.attachedTitle')}
        </Title>
        <ListStates query={assignments} isEmpty={rows.length === 0} empty={<EmptyNote>{t('groups.programs.empty')}</EmptyNote>}>
          <Table.ScrollContainer minWidth={640}>
            <Table highlightOnHover aria-label={t('groups.programs.table', { name: group.name })}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('programs.columns.title')}</Table.Th>
                  <Table.Th scope="col">{t('sessions.session')}</Table.Th>
                  <Table.Th scope="col">{t('sessions.status')}</Table.Th>
                  <Table.Th scope="col">{t('groups.programs.attachedAt')}</Table.Th>
                  <ActionsHeader />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((a) => (
                  <Table.Tr key={a.sessionId}>
                    <Table.Td>
                      <Anchor component={Link} to={`/orgs/${orgId}/programs/${a.programId}`}>
                        {a.programTitle}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{sessionLabel(a)}</Table.Td>
                    <Table.Td>
                      <SessionStatusBadge status={a.status} />
                    </Table.Td>
                    <Table.Td>
                      <time dateTime={a.assignedAt}>{date(a.assignedAt)}</time>
                    </Table.Td>
                    <Table.Td ta="right">
                      <GatedButton
                        size="compact-sm"
                        variant="subtle"
                        allowed={canManage}
                        reason={t('permissions.groupsManage')}
                        onClick={() => setDetaching(a)}
                        aria-label={t('groups.programs.detachOne', { title: a.programTitle })}
                      >
                        {t('groups.programs.detach')}
                      </GatedButton>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </ListStates>
        <LoadMore query={assignments} />
      </Stack>
      <ConfirmModal
        opened={detaching !== null}
        onClose={() => {
          setDetaching(null);
          detach.reset();
        }}
        onConfirm={() =>
          detaching &&
          detach.mutate(detaching, {
            onSuccess: () => {
              notify.success(t('groups.programs.detached', { title: detaching.programTitle, group: group.name }));
              setDetaching(null);
            },
          })
        }
        title={t('groups.programs.detachTitle', { title: detaching?.programTitle ?? '' })}
        confirmLabel={t('groups.programs.detach')}
        danger
        loading={detach.isPending}
        error={detach.error}
      >
        <Text size="sm">{t('groups.programs.detachText', { group: group.name })}</Text>
      </ConfirmModal>
    </Stack>
  );
}

function AttachForm({ orgId, group, canManage, attached }: Props & { attached: Set<string> }) {
  const { t } = useTranslation();
  const { number } = useFormat();
  const describe = useDescribeError();
  const sessionLabel = useSessionLabel();
  const [programSearch, setProgramSearch] = useState('');
  const [q] = useDebouncedValue(programSearch, 250);
  const programs = useProgramSearch(orgId, q);
  const [programId, setProgramId] = useState<string | null>(null);
  const [sessionId, setSessionId] = useState<string | null>(null);
  const sessions = useSessions(orgId, programId);
  const sessionRows: ProgramSession[] = flattenPages(sessions.data);
  const attach = useGroupMutation(orgId, (id: string) => groupsApi.attach(orgId, group.id, id));
  const [picked, setPicked] = useState<{ value: string; label: string } | null>(null);

  const programOptions = (programs.data?.items ?? []).map((p) => ({ value: p.id, label: p.title }));
  if (picked && !programOptions.some((o) => o.value === picked.value)) programOptions.unshift(picked);
  const sessionOptions = sessionRows.map((s) => ({
    value: s.id,
    label: `${sessionLabel(s)} · ${t(`sessionStatus.${s.status}`)}${attached.has(s.id) ? ` · ${t('groups.programs.alreadyAttached')}` : ''}`,
    disabled: attached.has(s.id) || s.status === 'closed',
  }));
  const fieldError = attach.error && describe(attach.error);

  return (
    <Card withBorder radius="md" p="md" component="section" aria-labelledby="attach-title">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!sessionId) return;
          attach.mutate(sessionId, {
            onSuccess: (res) => {
              notify.success(
                t('groups.programs.attached', { title: res.programTitle, group: group.name, count: res.enrolled, n: number(res.enrolled) }),
              );
              setSessionId(null);
            },
          });
        }}
      >
        <Stack gap="sm">
          <Title order={2} fz="h4" id="attach-title">
            {t('groups.programs.attachTitle')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('groups.programs.attachHelp')}
          </Text>
          <Group align="flex-start" gap="sm" grow>
            <Select
              label={t('groups.programs.program')}
              placeholder={t('groups.programs.programPlaceholder')}
              data={programOptions}
              value={programId}
              onChange={(value, option) => {
                setProgramId(value);
                setPicked(option ? { value: option.value, label: option.label } : null);
                setSessionId(null);
                attach.reset();
              }}
              searchable
              onSearchChange={(value) => {
                if (value !== picked?.label) setProgramSearch(value);
              }}
              filter={({ options }) => options}
              nothingFoundMessage={programs.isFetching ? t('common.loading') : t('groups.programs.noProgram')}
              disabled={!canManage}
              comboboxProps={{ withinPortal: true }}
            />
            <Select
              label={t('groups.programs.session')}
              placeholder={programId ? t('groups.programs.sessionPlaceholder') : t('groups.programs.pickProgramFirst')}
              data={sessionOptions}
              value={sessionId}
              onChange={(value) => {
                setSessionId(value);
                attach.reset();
              }}
              disabled={!canManage || !programId}
              nothingFoundMessage={t('groups.programs.noSession')}
              error={fieldError}
              comboboxProps={{ withinPortal: true }}
            />
          </Group>
          {programId && sessions.isSuccess && sessionRows.length === 0 && (
            <Text size="sm">
              {t('groups.programs.noSessionYet')}{' '}
              <Anchor component={Link} to={`/orgs/${orgId}/programs/${programId}`}>
                {t('groups.programs.addSessionLink')}
              </Anchor>
            </Text>
          )}
          <Group>
            <GatedButton
              type="submit"
              allowed={canManage}
              reason={t('permissions.groupsManage')}
              loading={attach.isPending}
              disabled={canManage && !sessionId}
            >
              {t('groups.programs.attach')}
            </GatedButton>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
