import { BarChart, DonutChart, LineChart } from '@mantine/charts';
import { Anchor, Button, Card, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { GroupDetail } from '../../api/types';
import { useFormat } from '../../app/format';
import { ErrorAlert } from '../../components/api-error';
import { StatCards } from '../../components/stat-cards';
import { ListSkeleton } from '../../components/table-states';
import { type PeopleMetric, peopleExportUrl, useGroupDashboard, useRefreshDashboard } from './observers.api';

type ExportTarget = { metric: PeopleMetric; sessionId?: string; week?: string };

/** CSV and XLSX links to the people behind a number. */
function Exports({ orgId, groupId, target, label }: { orgId: string; groupId: string; target: ExportTarget; label: string }) {
  const { t } = useTranslation();
  return (
    <Group gap={6} wrap="nowrap">
      {(['csv', 'xlsx'] as const).map((format) => (
        <Anchor
          key={format}
          size="xs"
          href={peopleExportUrl(orgId, groupId, { ...target, format })}
          download
          aria-label={t('observers.dashboard.exportOf', { what: label, format: format.toUpperCase() })}
        >
          {format.toUpperCase()}
        </Anchor>
      ))}
    </Group>
  );
}

/** The group at a glance (sub-groups included): people by status and activity, sessions, completions per week. */
export function DashboardTab({ orgId, group }: { orgId: string; group: GroupDetail }) {
  const { t } = useTranslation();
  const { date, dateTime, number } = useFormat();
  const dash = useGroupDashboard(orgId, group.id);
  const refresh = useRefreshDashboard(orgId, group.id);
  const ids = { people: useId(), sessions: useId(), weekly: useId() };
  if (dash.isPending) return <ListSkeleton rows={4} />;
  if (dash.isError) return <ErrorAlert error={dash.error} />;
  const { members, sessions, weekly } = dash.data;
  const sum = (f: (s: (typeof sessions)[number]) => number) => sessions.reduce((n, s) => n + f(s), 0);
  const numbers: { key: string; metric: PeopleMetric; label: string; value: number; help?: string }[] = [
    { key: 'active', metric: 'active', label: t('observers.dashboard.active'), value: members.active },
    { key: 'invited', metric: 'invited', label: t('observers.dashboard.invited'), value: members.invited },
    { key: 'archived', metric: 'archived', label: t('observers.dashboard.archived'), value: members.archived },
    { key: 'neverSignedIn', metric: 'never_signed_in', label: t('observers.dashboard.neverSignedIn'), value: members.neverSignedIn },
    {
      key: 'inactive7',
      metric: 'inactive_7',
      label: t('observers.dashboard.inactive', { days: 7 }),
      value: members.inactive7,
      help: t('observers.dashboard.inactiveHelp', { days: 7 }),
    },
    {
      key: 'inactive30',
      metric: 'inactive_30',
      label: t('observers.dashboard.inactive', { days: 30 }),
      value: members.inactive30,
      help: t('observers.dashboard.inactiveHelp', { days: 30 }),
    },
  ];
  const byStatus = [
    { name: t('observers.dashboard.active'), value: members.active, color: 'teal.6' },
    { name: t('observers.dashboard.invited'), value: members.invited, color: 'blue.5' },
    { name: t('observers.dashboard.archived'), value: members.archived, color: 'gray.5' },
  ];
  return (
    <Stack gap="lg">
      <Group justify="space-between" gap="xs">
        <Text size="sm" c="dimmed" role="status">
          {t('observers.dashboard.asOf', { time: dateTime(dash.data.asOf) })}
          {dash.data.refreshing && ` · ${t('observers.dashboard.refreshing')}`}
        </Text>
        <Button size="xs" variant="default" loading={refresh.isPending} onClick={() => refresh.mutate()}>
          {t('observers.dashboard.refresh')}
        </Button>
      </Group>
      {refresh.isError && <ErrorAlert error={refresh.error} />}
      <Stack gap="xs" component="section" aria-labelledby={ids.people}>
        <Title order={2} fz="h4" id={ids.people}>
          {t('observers.dashboard.people')}
        </Title>
        <SimpleGrid cols={{ base: 1, md: 3 }} spacing="sm">
          <Paper withBorder radius="md" p="sm">
            <Text size="sm" c="dimmed" mb="xs">
              {t('observers.dashboard.byStatus')}
            </Text>
            {/* The charts draw what the numbers and tables beside them say: out of reach of keyboards and screen readers (inert). */}
            <div inert>
              <DonutChart data={byStatus} withLabelsLine={false} withTooltip size={140} thickness={22} mx="auto" />
            </div>
          </Paper>
          <SimpleGrid component="dl" cols={{ base: 2, sm: 3 }} spacing="sm" m={0} style={{ gridColumn: 'span 2' }}>
            {numbers.map((n) => (
              <Paper key={n.key} withBorder radius="md" p="sm" data-stat={n.key}>
                <Text component="dt" size="sm" c="dimmed">
                  {n.label}
                </Text>
                <Text component="dd" fz={26} fw={700} m={0} lh={1.2}>
                  {number(n.value)}
                </Text>
                {n.help && (
                  <Text component="dd" size="xs" c="dimmed" m={0}>
                    {n.help}
                  </Text>
                )}
                <Text component="dd" m={0} mt={4}>
                  <Exports orgId={orgId} groupId={group.id} target={{ metric: n.metric }} label={n.label} />
                </Text>
              </Paper>
            ))}
          </SimpleGrid>
        </SimpleGrid>
      </Stack>

      <Stack gap="xs" component="section" aria-labelledby={ids.sessions}>
        <Title order={2} fz="h4" id={ids.sessions}>
          {t('observers.dashboard.sessions')}
        </Title>
        <StatCards
          stats={[
            { key: 'enrolled', label: t('groups.stats.enrolled'), value: sum((s) => s.enrolled) },
            { key: 'completed', label: t('observers.dashboard.completed'), value: sum((s) => s.completed) },
            { key: 'late', label: t('observers.dashboard.late'), value: sum((s) => s.late), help: t('groups.stats.lateHelp') },
          ]}
        />
        {sessions.length === 0 ? (
          <Card withBorder radius="md" p="lg">
            <Text size="sm" c="dimmed">
              {t('groups.stats.noSessions')}
            </Text>
          </Card>
        ) : (
          <>
            <div inert>
              <BarChart
                h={Math.max(160, 48 * sessions.length)}
                data={sessions.map((s) => ({
                  session: `${s.programTitle} (${date(s.opensAt)})`,
                  completed: s.completed,
                  late: s.late,
                  rest: Math.max(0, s.enrolled - s.completed - s.late),
                }))}
                dataKey="session"
                orientation="vertical"
                type="stacked"
                yAxisProps={{ width: 180 }}
                series={[
                  { name: 'completed', label: t('observers.dashboard.completed'), color: 'teal.6' },
                  { name: 'late', label: t('observers.dashboard.late'), color: 'red.6' },
                  { name: 'rest', label: t('observers.dashboard.notYet'), color: 'gray.4' },
                ]}
                withLegend
              />
            </div>
            <Table.ScrollContainer minWidth={640}>
              <Table aria-labelledby={ids.sessions} verticalSpacing="sm">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('groups.stats.program')}</Table.Th>
                    <Table.Th ta="right">{t('groups.stats.enrolled')}</Table.Th>
                    <Table.Th ta="right">{t('observers.dashboard.completed')}</Table.Th>
                    <Table.Th ta="right">{t('observers.dashboard.late')}</Table.Th>
                    <Table.Th ta="right">{t('observers.dashboard.completedLate')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {sessions.map((s) => {
                    const pct = (n: number) => (s.enrolled ? Math.round((100 * n) / s.enrolled) : 0);
                    const cell = (metric: PeopleMetric, value: number, label: string) => (
                      <Table.Td ta="right">
                        <Text size="sm">
                          {number(value)}{' '}
                          <Text span size="xs" c="dimmed">
                            ({t('groups.stats.percent', { percent: pct(value) })})
                          </Text>
                        </Text>
                        <Group justify="flex-end">
                          <Exports
                            orgId={orgId}
                            groupId={group.id}
                            target={{ metric, sessionId: s.sessionId }}
                            label={`${label} — ${s.programTitle}`}
                          />
                        </Group>
                      </Table.Td>
                    );
                    return (
                      <Table.Tr key={s.sessionId}>
                        <Table.Td>
                          <Anchor component={Link} to={`/orgs/${orgId}/programs/${s.programId}`} fw={500}>
                            {s.programTitle}
                          </Anchor>
                          <Text size="xs" c="dimmed">
                            {t(`sessionStatus.${s.status}`)} ·{' '}
                            {s.closesAt
                              ? t('groups.stats.fromTo', { from: date(s.opensAt), to: date(s.closesAt) })
                              : t('groups.stats.from', { from: date(s.opensAt) })}
                          </Text>
                        </Table.Td>
                        <Table.Td ta="right">
                          <Text size="sm">{number(s.enrolled)}</Text>
                          <Group justify="flex-end">
                            <Exports
                              orgId={orgId}
                              groupId={group.id}
                              target={{ metric: 'enrolled', sessionId: s.sessionId }}
                              label={`${t('groups.stats.enrolled')} — ${s.programTitle}`}
                            />
                          </Group>
                        </Table.Td>
                        {cell('completed', s.completed, t('observers.dashboard.completed'))}
                        {cell('late', s.late, t('observers.dashboard.late'))}
                        <Table.Td ta="right">{number(s.completedLate)}</Table.Td>
                      </Table.Tr>
                    );
                  })}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </>
        )}
      </Stack>

      <Stack gap="xs" component="section" aria-labelledby={ids.weekly}>
        <Title order={2} fz="h4" id={ids.weekly}>
          {t('observers.dashboard.weekly')}
        </Title>
        <div inert>
          <LineChart
            h={200}
            data={weekly.map((w) => ({ week: date(w.week), completions: w.completions }))}
            dataKey="week"
            series={[{ name: 'completions', label: t('observers.dashboard.completions'), color: 'teal.6' }]}
            curveType="monotone"
          />
        </div>
        <Table aria-labelledby={ids.weekly} verticalSpacing={4} fz="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('observers.dashboard.weekOf')}</Table.Th>
              <Table.Th ta="right">{t('observers.dashboard.completions')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {weekly.map((w) => (
              <Table.Tr key={w.week}>
                <Table.Td>{date(w.week)}</Table.Td>
                <Table.Td ta="right">{number(w.completions)}</Table.Td>
                <Table.Td>
                  {w.completions > 0 && (
                    <Exports
                      orgId={orgId}
                      groupId={group.id}
                      target={{ metric: 'completed_in_week', week: w.week }}
                      label={t('observers.dashboard.completionsOfWeek', { week: date(w.week) })}
                    />
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Stack>
    </Stack>
  );
}
