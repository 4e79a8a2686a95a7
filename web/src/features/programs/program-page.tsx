import { Anchor, Box, Breadcrumbs, Card, Group, Progress, Stack, Table, Text, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDisclosure } from '@mantine/hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { isApiError } from '../../api/client';
import type { Program, ProgramSession } from '../../api/types';
import { useFormat } from '../../app/format';
import { ErrorAlert, useServerErrors } from '../../components/api-error';
import { ConfirmModal } from '../../components/confirm-modal';
import { DateTimeField, nowValue, toInstant } from '../../components/date-time-field';
import { GatedButton } from '../../components/gated-button';
import { NotFoundPanel } from '../../components/not-found';
import { notify } from '../../components/notify';
import { PageHeader } from '../../components/page-header';
import { SessionStatusBadge } from '../../components/status-badge';
import { ActionsHeader, EmptyNote, flattenPages, ListSkeleton, ListStates, LoadMore } from '../../components/table-states';
import { useSignedIn } from '../account/session';
import { usePermissions } from '../orgs/orgs.api';
import { ProgramFormModal } from './program-form-modal';
import { SessionDueModal } from './session-due-modal';
import { programsApi, useProgram, useProgramEnrolments, useProgramMutation, useSessions } from './programs.api';

/** One program: its details, its sessions and who is enrolled. */
export function ProgramPage() {
  const { orgId = '', programId = '' } = useParams();
  const program = useProgram(orgId, programId);
  if (program.isPending) return <ListSkeleton rows={6} />;
  if (isApiError(program.error) && (program.error.status === 404 || program.error.status === 422)) return <NotFoundPanel />;
  if (program.isError) return <ErrorAlert error={program.error} />;
  return <ProgramView orgId={orgId} program={program.data} />;
}

function ProgramView({ orgId, program }: { orgId: string; program: Program }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const canManage = usePermissions(orgId).can('programs.manage');
  const [editing, { open, close }] = useDisclosure(false);
  const [deleting, setDeleting] = useState(false);
  const remove = useProgramMutation(orgId, () => programsApi.remove(orgId, program.id));

  return (
    <Stack gap="lg">
      <PageHeader
        title={program.title}
        description={program.description}
        above={
          <Box component="nav" aria-label={t('programs.breadcrumbs')}>
            <Breadcrumbs separator="›">
              <Anchor component={Link} to={`/orgs/${orgId}/programs`} size="sm">
                {t('nav.programs')}
              </Anchor>
              <Text size="sm" aria-current="page">
                {program.title}
              </Text>
            </Breadcrumbs>
          </Box>
        }
        actions={
          <>
            <GatedButton variant="default" allowed={canManage} reason={t('permissions.programsManage')} onClick={open}>
              {t('programs.edit')}
            </GatedButton>
            <GatedButton variant="default" allowed={canManage} reason={t('permissions.programsManage')} onClick={() => setDeleting(true)}>
              {t('programs.delete.action')}
            </GatedButton>
          </>
        }
      />
      <Text size="sm">
        <strong>{t('programs.referentLabel')}</strong>{' '}
        {program.referent ? `${program.referent.name} (${program.referent.email})` : t('programs.noReferent')}
      </Text>
      <SessionsCard orgId={orgId} program={program} canManage={canManage} />
      <EnrolmentsCard orgId={orgId} program={program} />

      <ProgramFormModal orgId={orgId} opened={editing} onClose={close} program={program} />
      <ConfirmModal
        opened={deleting}
        onClose={() => {
          setDeleting(false);
          remove.reset();
        }}
        onConfirm={() =>
          remove.mutate(undefined, {
            onSuccess: () => {
              notify.success(t('programs.delete.done', { title: program.title }));
              navigate(`/orgs/${orgId}/programs`, { replace: true });
            },
          })
        }
        title={t('programs.delete.title', { title: program.title })}
        confirmLabel={t('programs.delete.confirm')}
        danger
        loading={remove.isPending}
        error={remove.error}
      >
        <Text size="sm">{t('programs.delete.text')}</Text>
      </ConfirmModal>
    </Stack>
  );
}

type SessionValues = { opensAt: string | null; closesAt: string | null };

function SessionsCard({ orgId, program, canManage }: { orgId: string; program: Program; canManage: boolean }) {
  const { t } = useTranslation();
  const { dateTime, number } = useFormat();
  const sessions = useSessions(orgId, program.id);
  const rows = flattenPages(sessions.data);
  const [removing, setRemoving] = useState<ProgramSession | null>(null);
  const [due, setDue] = useState<ProgramSession | null>(null);
  const removeSession = useProgramMutation(orgId, (s: ProgramSession) => programsApi.removeSession(orgId, program.id, s.id));
  // issue 14: a session's discussion is open to admins and the program's referent (and those enrolled).
  const me = useSignedIn();
  const role = me.memberships.find((m) => m.orgId === orgId)?.role;
  const canDiscuss = role === 'owner' || role === 'admin' || program.referent?.id === me.account.id;

  const form = useForm<SessionValues>({
    initialValues: { opensAt: nowValue(), closesAt: null },
    validate: {
      opensAt: (value) => (value ? null : t('validation.required')),
      closesAt: (value, values) =>
        value && values.opensAt && toInstant(value) <= toInstant(values.opensAt) ? t('sessions.closesAfterOpens') : null,
    },
  });
  const server = useServerErrors(form, ['opensAt', 'closesAt']);
  const create = useProgramMutation(orgId, (values: SessionValues) =>
    programsApi.createSession(orgId, program.id, {
      opensAt: toInstant(values.opensAt ?? ''),
      closesAt: values.closesAt ? toInstant(values.closesAt) : null,
    }),
  );

  return (
    <Card withBorder radius="md" p="md" component="section" aria-labelledby="sessions-title">
      <Stack gap="md">
        <Title order={2} fz="h3" id="sessions-title">
          {t('sessions.title')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('sessions.intro')}
        </Text>
        <ListStates query={sessions} isEmpty={rows.length === 0} empty={<EmptyNote>{t('sessions.empty')}</EmptyNote>}>
          <Table.ScrollContainer minWidth={640}>
            <Table highlightOnHover aria-labelledby="sessions-title">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('sessions.opensAt')}</Table.Th>
                  <Table.Th scope="col">{t('sessions.closesAt')}</Table.Th>
                  <Table.Th scope="col">{t('sessions.status')}</Table.Th>
                  <Table.Th scope="col" ta="right">
                    {t('sessions.groups')}
                  </Table.Th>
                  <Table.Th scope="col" ta="right">
                    {t('sessions.enrolments')}
                  </Table.Th>
                  <ActionsHeader />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((s) => (
                  <Table.Tr key={s.id}>
                    <Table.Td>
                      <time dateTime={s.opensAt}>{dateTime(s.opensAt)}</time>
                    </Table.Td>
                    <Table.Td>{s.closesAt ? <time dateTime={s.closesAt}>{dateTime(s.closesAt)}</time> : t('sessions.never')}</Table.Td>
                    <Table.Td>
                      <SessionStatusBadge status={s.status} />
                    </Table.Td>
                    <Table.Td ta="right">{number(s.groupCount)}</Table.Td>
                    <Table.Td ta="right">{number(s.enrolmentCount)}</Table.Td>
                    <Table.Td ta="right">
                      {canDiscuss && (
                        <Anchor
                          component={Link}
                          to={`/home/sessions/${orgId}/${s.id}`}
                          size="sm"
                          mr="sm"
                          aria-label={t('space.discussionOf', { opens: dateTime(s.opensAt) })}
                        >
                          {t('space.discussion')}
                        </Anchor>
                      )}
                      <GatedButton
                        size="compact-sm"
                        variant="subtle"
                        allowed={canManage}
                        reason={t('permissions.programsManage')}
                        onClick={() => setDue(s)}
                        aria-label={`${t('dueDates.title')} — ${dateTime(s.opensAt)}`}
                      >
                        {s.dueDaysAfterEnrolment ? t('dueDates.dueDaysShort', { count: s.dueDaysAfterEnrolment }) : t('dueDates.title')}
                      </GatedButton>
                      <GatedButton
                        size="compact-sm"
                        variant="subtle"
                        allowed={canManage}
                        reason={t('permissions.programsManage')}
                        onClick={() => setRemoving(s)}
                        aria-label={t('sessions.deleteOne', { opens: dateTime(s.opensAt) })}
                      >
                        {t('common.delete')}
                      </GatedButton>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </ListStates>
        {due && <SessionDueModal orgId={orgId} programId={program.id} session={due} onClose={() => setDue(null)} />}
        <LoadMore query={sessions} />

        <form
          noValidate
          aria-labelledby="new-session-title"
          onSubmit={form.onSubmit((values) => {
            server.clear();
            create.mutate(values, {
              onSuccess: (created) => {
                notify.success(t('sessions.created', { opens: dateTime(created.opensAt) }));
                form.setValues({ opensAt: nowValue(), closesAt: null });
              },
              onError: server.handle,
            });
          })}
        >
          <Stack gap="sm">
            <Title order={3} fz="h5" id="new-session-title">
              {t('sessions.add')}
            </Title>
            <Group align="flex-start" grow>
              <DateTimeField
                label={t('sessions.opensAt')}
                description={t('sessions.opensHelp')}
                withAsterisk
                disabled={!canManage}
                value={form.values.opensAt}
                onChange={(v) => form.setFieldValue('opensAt', v)}
                error={form.errors.opensAt}
              />
              <DateTimeField
                label={t('sessions.closesAt')}
                description={t('sessions.closesHelp')}
                clearable
                disabled={!canManage}
                value={form.values.closesAt}
                onChange={(v) => form.setFieldValue('closesAt', v)}
                error={form.errors.closesAt}
                minDate={form.values.opensAt ?? undefined}
              />
            </Group>
            <ErrorAlert error={server.error} />
            <Group>
              <GatedButton type="submit" allowed={canManage} reason={t('permissions.programsManage')} loading={create.isPending}>
                {t('sessions.addSubmit')}
              </GatedButton>
            </Group>
          </Stack>
        </form>
      </Stack>
      <ConfirmModal
        opened={removing !== null}
        onClose={() => {
          setRemoving(null);
          removeSession.reset();
        }}
        onConfirm={() =>
          removing &&
          removeSession.mutate(removing, {
            onSuccess: () => {
              notify.success(t('sessions.deleted'));
              setRemoving(null);
            },
          })
        }
        title={t('sessions.deleteTitle')}
        confirmLabel={t('common.delete')}
        danger
        loading={removeSession.isPending}
        error={removeSession.error}
      >
        <Text size="sm">
          {t('sessions.deleteText', {
            opens: removing ? dateTime(removing.opensAt) : '',
            count: removing?.groupCount ?? 0,
            n: number(removing?.groupCount ?? 0),
          })}
        </Text>
      </ConfirmModal>
    </Card>
  );
}

function EnrolmentsCard({ orgId, program }: { orgId: string; program: Program }) {
  const { t } = useTranslation();
  const { date, dateTime } = useFormat();
  const enrolments = useProgramEnrolments(orgId, program.id);
  const rows = flattenPages(enrolments.data);
  return (
    <Card withBorder radius="md" p="md" component="section" aria-labelledby="enrolments-title">
      <Stack gap="md">
        <Title order={2} fz="h3" id="enrolments-title">
          {t('programs.enrolments.title')}
        </Title>
        <ListStates query={enrolments} isEmpty={rows.length === 0} empty={<EmptyNote>{t('programs.enrolments.empty')}</EmptyNote>}>
          <Table.ScrollContainer minWidth={720}>
            <Table highlightOnHover aria-labelledby="enrolments-title">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('fields.name')}</Table.Th>
                  <Table.Th scope="col">{t('fields.email')}</Table.Th>
                  <Table.Th scope="col">{t('sessions.session')}</Table.Th>
                  <Table.Th scope="col">{t('programs.enrolments.progress')}</Table.Th>
                  <Table.Th scope="col">{t('programs.enrolments.completedAt')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((e) => (
                  <Table.Tr key={e.id}>
                    <Table.Td>{e.name}</Table.Td>
                    <Table.Td>{e.email}</Table.Td>
                    <Table.Td>
                      <time dateTime={e.opensAt}>{dateTime(e.opensAt)}</time>
                    </Table.Td>
                    <Table.Td miw={160}>
                      <Group gap="xs" wrap="nowrap">
                        <Progress
                          value={e.percent}
                          w={100}
                          color={e.completedAt ? 'green' : 'violet'}
                          aria-label={t('programs.enrolments.progressOf', { name: e.name })}
                        />
                        <Text size="sm">{t('home.percent', { percent: e.percent })}</Text>
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      {e.completedAt ? (
                        e.certificateId ? (
                          <Anchor component={Link} to={`/certificates/${e.certificateId}`} size="sm">
                            {date(e.completedAt)}
                          </Anchor>
                        ) : (
                          date(e.completedAt)
                        )
                      ) : (
                        '—'
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </ListStates>
        <LoadMore query={enrolments} />
      </Stack>
    </Card>
  );
}
