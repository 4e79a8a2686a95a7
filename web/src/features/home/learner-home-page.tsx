import { Alert, Anchor, Badge, Button, Card, Group, Modal, NumberInput, Progress, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Home } from '../../api/types';
import { useFormat } from '../../app/format';
import { ErrorAlert } from '../../components/api-error';
import { ConfirmModal } from '../../components/confirm-modal';
import { GroupWelcomeCard } from '../../components/group-welcome-card';
import { notify } from '../../components/notify';
import { SessionStatusBadge } from '../../components/status-badge';
import { ListSkeleton } from '../../components/table-states';
import { useSessionLabel } from '../groups/group-programs-tab';
import { isStaff, useSignedIn } from '../account/session';
import { LearnerLayout } from './learner-layout';
import { useHome, useRecordProgress } from './home.api';
import { Feed } from '../space/feed';
import { JoinSuggestionsCard } from '../domains/join-suggestions-card';
import { MyFieldsCard } from '../profile-fields/my-fields-card';

type Enrolment = Home['organizations'][number]['enrolments'][number];

/** The learner's home: their groups (welcome message and images) and their programs with progress. */
export function LearnerHomePage() {
  const { t } = useTranslation();
  const me = useSignedIn();
  const home = useHome();
  useDocumentTitle(`${t('home.title')} · Troupe`);
  const staff = me.memberships.some((m) => isStaff(m.role));

  return (
    <LearnerLayout>
      <Stack gap="xl">
        <Group justify="space-between" align="flex-end">
          <Stack gap={4}>
            <Title order={1}>{t('home.welcome', { name: me.account.name })}</Title>
            <Text c="dimmed">{t('home.intro')}</Text>
          </Stack>
          {staff && (
            <Button component={Link} to="/" variant="default">
              {t('home.toManagement')}
            </Button>
          )}
        </Group>
        <JoinSuggestionsCard />
        {home.data?.organizations.some((o) => o.membershipStatus === 'active' && o.groups.length > 0) && <Feed />}
        {home.isPending ? (
          <ListSkeleton rows={4} />
        ) : home.isError ? (
          <ErrorAlert error={home.error} />
        ) : home.data.organizations.length === 0 ? (
          <Card withBorder p="xl" radius="md">
            <Text>{t('home.noOrg')}</Text>
          </Card>
        ) : (
          home.data.organizations.map((org) => (
            <Stack key={org.orgId} gap="lg" component="section" aria-labelledby={`org-${org.orgId}`}>
              <Title order={2} id={`org-${org.orgId}`}>
                {org.orgName}
              </Title>
              {org.membershipStatus === 'archived' && (
                <Alert color="gray" variant="light">
                  {t('home.archived')}
                </Alert>
              )}
              <Stack gap="sm">
                <Title order={3} fz="h4">
                  {t('home.groups')}
                </Title>
                {org.groups.length === 0 ? (
                  <Text size="sm" fs="italic">
                    {t('home.noGroups')}
                  </Text>
                ) : (
                  <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
                    {org.groups.map((g) => (
                      <Stack key={g.id} gap={4}>
                        <GroupWelcomeCard {...g} headingLevel={3} />
                        <GroupTeam team={g.team} groupName={g.name} />
                        {org.membershipStatus === 'active' && (
                          <Anchor component={Link} to={`/home/groups/${org.orgId}/${g.id}`} size="sm">
                            {t('space.open')}
                          </Anchor>
                        )}
                      </Stack>
                    ))}
                  </SimpleGrid>
                )}
              </Stack>
              {org.membershipStatus === 'active' && <MyFieldsCard orgId={org.orgId} orgName={org.orgName} />}
              <Stack gap="sm">
                <Title order={3} fz="h4">
                  {t('home.programs')}
                </Title>
                {org.enrolments.length === 0 ? (
                  <Text size="sm" fs="italic">
                    {t('home.noPrograms')}
                  </Text>
                ) : (
                  <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
                    {org.enrolments.map((e) => (
                      <EnrolmentCard key={e.id} enrolment={e} orgId={org.orgId} active={org.membershipStatus === 'active'} />
                    ))}
                  </SimpleGrid>
                )}
              </Stack>
            </Stack>
          ))
        )}
      </Stack>
    </LearnerLayout>
  );
}

type Team = Home['organizations'][number]['groups'][number]['team'];

/** Who looks after a group: its observers and its referent, by name. */
function GroupTeam({ team, groupName }: { team: Team; groupName: string }) {
  const { t } = useTranslation();
  if (team.observers.length === 0 && !team.referent) return null;
  return (
    <Stack gap={2} component="section" aria-label={t('home.teamOf', { group: groupName })}>
      <Text size="sm" fw={600}>
        {t('home.team')}
      </Text>
      {team.referent && (
        <Text size="sm">
          {t('home.teamReferent')} {team.referent.name}
        </Text>
      )}
      {team.observers.length > 0 && (
        <Text size="sm">
          {t('home.teamObservers', { count: team.observers.length })} {team.observers.map((o) => o.name).join(', ')}
        </Text>
      )}
    </Stack>
  );
}

function EnrolmentCard({ enrolment: e, orgId, active }: { enrolment: Enrolment; orgId: string; active: boolean }) {
  const { t } = useTranslation();
  const { date } = useFormat();
  const sessionLabel = useSessionLabel();
  const [recording, setRecording] = useState(false);
  const [completing, setCompleting] = useState(false);
  const record = useRecordProgress();
  const completed = e.completedAt !== null;
  const open = e.status === 'ongoing';
  const titleId = `enrolment-${e.id}`;

  const markCompleted = () =>
    record.mutate(
      { enrolmentId: e.id, percent: 100 },
      {
        onSuccess: () => {
          notify.success(t('home.completedToast', { title: e.programTitle }));
          setCompleting(false);
        },
      },
    );

  return (
    <Card withBorder radius="md" p="md" component="article" aria-labelledby={titleId}>
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <Title order={4} id={titleId} style={{ overflowWrap: 'anywhere' }}>
            {e.programTitle}
          </Title>
          <SessionStatusBadge status={e.status} />
        </Group>
        {e.programDescription && (
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} lineClamp={4}>
            {e.programDescription}
          </Text>
        )}
        <Text size="sm" c="dimmed">
          {sessionLabel(e)}
        </Text>
        {!completed && e.dueAt && (
          <Group gap="xs">
            <Text size="sm" fw={e.late ? 600 : undefined}>
              {t('dueDates.due', { date: date(e.dueAt) })}
            </Text>
            {e.late && (
              <Badge color="red" variant="light">
                {t('dueDates.late')}
              </Badge>
            )}
          </Group>
        )}
        <Stack gap={4}>
          <Group justify="space-between">
            <Text size="sm" fw={500}>
              {completed ? t('home.completedOn', { date: date(e.completedAt) }) : t('home.progress')}
            </Text>
            <Text size="sm" fw={600}>
              {t('home.percent', { percent: e.percent })}
            </Text>
          </Group>
          <Progress
            value={e.percent}
            size="lg"
            color={completed ? 'green' : 'violet'}
            aria-label={t('home.progressOf', { title: e.programTitle })}
          />
        </Stack>
        {e.referent && (
          <Text size="sm">
            {t('home.referent')} <Anchor href={`mailto:${e.referent.email}`}>{e.referent.name}</Anchor>
          </Text>
        )}
        {active && (
          <Anchor component={Link} to={`/home/sessions/${orgId}/${e.sessionId}`} size="sm">
            {t('space.openDiscussion')}
          </Anchor>
        )}
        {!open && !completed && (
          <Text size="sm" c="dimmed">
            {e.status === 'scheduled' ? t('home.notOpenYet') : t('home.closed')}
          </Text>
        )}
        <Group gap="sm">
          {completed ? (
            e.certificateId && (
              <Button component={Link} to={`/certificates/${e.certificateId}`} variant="light">
                {t('home.viewCertificate')}
              </Button>
            )
          ) : (
            <>
              <Button variant="default" disabled={!open} onClick={() => setRecording(true)} aria-describedby={titleId}>
                {t('home.recordProgress')}
              </Button>
              <Button disabled={!open} onClick={() => setCompleting(true)} aria-describedby={titleId}>
                {t('home.markCompleted')}
              </Button>
            </>
          )}
        </Group>
      </Stack>
      <ProgressModal enrolment={e} opened={recording} onClose={() => setRecording(false)} />
      <ConfirmModal
        opened={completing}
        onClose={() => {
          setCompleting(false);
          record.reset();
        }}
        onConfirm={markCompleted}
        title={t('home.completeTitle', { title: e.programTitle })}
        confirmLabel={t('home.markCompleted')}
        loading={record.isPending}
        error={record.error}
      >
        <Text size="sm">{t('home.completeText')}</Text>
      </ConfirmModal>
    </Card>
  );
}

function ProgressModal({ enrolment: e, opened, onClose }: { enrolment: Enrolment; opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const [percent, setPercent] = useState<number | string>(e.percent);
  const record = useRecordProgress();
  const value = typeof percent === 'number' ? percent : Number.parseInt(percent, 10);
  const invalid = !Number.isInteger(value) || value < 0 || value > 100;
  const close = () => {
    record.reset();
    setPercent(e.percent);
    onClose();
  };
  return (
    <Modal
      opened={opened}
      onClose={close}
      title={t('home.recordTitle', { title: e.programTitle })}
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (invalid) return;
          record.mutate(
            { enrolmentId: e.id, percent: value },
            {
              onSuccess: (saved) => {
                notify.success(
                  saved.completedAt
                    ? t('home.completedToast', { title: e.programTitle })
                    : t('home.progressSaved', { title: e.programTitle, percent: saved.percent }),
                );
                onClose();
              },
            },
          );
        }}
      >
        <Stack gap="md">
          <NumberInput
            label={t('home.percentLabel')}
            description={t('home.percentHelp', { percent: e.percent })}
            min={0}
            max={100}
            clampBehavior="strict"
            allowDecimal={false}
            suffix={t('home.percentSuffix')}
            value={percent}
            onChange={setPercent}
            error={invalid ? t('home.percentInvalid') : undefined}
            data-autofocus
          />
          <ErrorAlert error={record.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={record.isPending} disabled={invalid}>
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
