import { Anchor, Card, Progress, Stack, Table, Text, Title } from '@mantine/core';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { GroupDetail } from '../../api/types';
import { useFormat } from '../../app/format';
import { ErrorAlert } from '../../components/api-error';
import { StatCards } from '../../components/stat-cards';
import { ListSkeleton } from '../../components/table-states';
import { useGroupStats } from './groups.api';

/** What an observer follows: who is here (sub-groups included), who never signed in, and progress per session. */
export function StatsTab({ orgId, group }: { orgId: string; group: GroupDetail }) {
  const { t } = useTranslation();
  const { date, number } = useFormat();
  const stats = useGroupStats(orgId, group.id);
  const ids = { people: useId(), progress: useId(), sessions: useId() };
  if (stats.isPending) return <ListSkeleton rows={4} />;
  if (stats.isError) return <ErrorAlert error={stats.error} />;
  const { members, enrolments, sessions } = stats.data;
  return (
    <Stack gap="lg">
      <Stack gap="xs" component="section" aria-labelledby={ids.people}>
        <Title order={2} fz="h4" id={ids.people}>
          {t('groups.stats.people')}
        </Title>
        <StatCards
          stats={[
            { key: 'active', label: t('groups.stats.active'), value: members.active, help: t('groups.stats.activeHelp') },
            { key: 'neverSignedIn', label: t('groups.stats.neverSignedIn'), value: members.neverSignedIn },
            { key: 'signedInRecently', label: t('groups.stats.signedInRecently'), value: members.signedInRecently },
          ]}
        />
      </Stack>
      <Stack gap="xs" component="section" aria-labelledby={ids.progress}>
        <Title order={2} fz="h4" id={ids.progress}>
          {t('groups.stats.progress')}
        </Title>
        <StatCards
          stats={[
            { key: 'notStarted', label: t('groups.stats.notStarted'), value: enrolments.notStarted },
            { key: 'inProgress', label: t('groups.stats.inProgress'), value: enrolments.inProgress },
            { key: 'completed', label: t('groups.stats.completed'), value: enrolments.completed },
            { key: 'late', label: t('groups.stats.late'), value: enrolments.late, help: t('groups.stats.lateHelp') },
          ]}
        />
      </Stack>
      <Stack gap="xs" component="section" aria-labelledby={ids.sessions}>
        <Title order={2} fz="h4" id={ids.sessions}>
          {t('groups.stats.sessions')}
        </Title>
        {sessions.length === 0 ? (
          <Card withBorder radius="md" p="lg">
            <Text size="sm" c="dimmed">
              {t('groups.stats.noSessions')}
            </Text>
          </Card>
        ) : (
          <Table.ScrollContainer minWidth={640}>
            <Table aria-labelledby={ids.sessions} verticalSpacing="sm">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('groups.stats.program')}</Table.Th>
                  <Table.Th>{t('groups.stats.dates')}</Table.Th>
                  <Table.Th ta="right">{t('groups.stats.enrolled')}</Table.Th>
                  <Table.Th ta="right">{t('groups.stats.notStarted')}</Table.Th>
                  <Table.Th ta="right">{t('groups.stats.inProgress')}</Table.Th>
                  <Table.Th ta="right">{t('groups.stats.completed')}</Table.Th>
                  <Table.Th w={160}>{t('groups.stats.completion')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {sessions.map((s) => {
                  const share = s.enrolled ? Math.round((100 * s.completed) / s.enrolled) : 0;
                  return (
                    <Table.Tr key={s.sessionId}>
                      <Table.Td>
                        <Anchor component={Link} to={`/orgs/${orgId}/programs/${s.programId}`} fw={500}>
                          {s.programTitle}
                        </Anchor>
                        <Text size="xs" c="dimmed">
                          {t(`sessionStatus.${s.status}`)}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">
                          {s.closesAt
                            ? t('groups.stats.fromTo', { from: date(s.opensAt), to: date(s.closesAt) })
                            : t('groups.stats.from', { from: date(s.opensAt) })}
                        </Text>
                      </Table.Td>
                      <Table.Td ta="right">{number(s.enrolled)}</Table.Td>
                      <Table.Td ta="right">{number(s.notStarted)}</Table.Td>
                      <Table.Td ta="right">{number(s.inProgress)}</Table.Td>
                      <Table.Td ta="right">{number(s.completed)}</Table.Td>
                      <Table.Td>
                        <Progress value={share} aria-label={t('groups.stats.completionOf', { program: s.programTitle, percent: share })} />
                        <Text size="xs" c="dimmed">
                          {t('groups.stats.percent', { percent: share })}
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
    </Stack>
  );
}
