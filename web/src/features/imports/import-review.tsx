import { Alert, Badge, Card, Checkbox, Group, List, Loader, Radio, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { ConfirmModal } from '../../components/confirm-modal';
import { DateTimeField, toInstant } from '../../components/date-time-field';
import { GatedButton } from '../../components/gated-button';
import { notify } from '../../components/notify';
import { ArchiveConfirm, needsTypedNumber } from './import-sync';
import { type ApproveBody, FIELDS, type Import, importDetailKey, importsApi, useInvalidateImports } from './imports.api';
import { type Plan, usePlan } from './import-plan';
import { type Stat, StatCards } from './import-ui';
import { useImportError, useImportFormat } from './import-words';

/** "A", "B", … "AA": the spreadsheet name of a column. */
function columnLetter(index: number): string {
  let n = index + 1;
  let out = '';
  while (n > 0) {
    const rest = (n - 1) % 26;
    out = String.fromCharCode(65 + rest) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}

/** The preview's counts as cards: rows, valid, with problems, repeats, already members, already invited. */
export function ImportCounts({ imp }: { imp: Import }) {
  const { t } = useTranslation();
  const titleId = useId();
  const c = imp.counts;
  const stats: Stat[] = [
    { key: 'rows', label: t('imports.counts.rows'), value: c.rows },
    { key: 'valid', label: t('imports.counts.valid'), value: c.valid },
    { key: 'invalid', label: t('imports.counts.invalid'), value: c.invalid },
    { key: 'duplicate', label: t('imports.counts.duplicate'), value: c.duplicate },
    { key: 'alreadyMembers', label: t('imports.counts.alreadyMembers'), value: c.alreadyMembers },
    { key: 'alreadyInvited', label: t('imports.counts.alreadyInvited'), value: c.alreadyInvited },
  ];
  return (
    <Stack gap="sm" component="section" aria-labelledby={titleId}>
      <Title order={2} fz="h3" id={titleId}>
        {imp.status === 'preview' ? t('imports.counts.title') : t('imports.counts.titleAfter')}
      </Title>
      <StatCards stats={stats} />
    </Stack>
  );
}

/** Which headers were understood, which were ignored, and which appeared twice. */
export function ImportColumns({ imp }: { imp: Import }) {
  const { t } = useTranslation();
  const { list } = useImportFormat();
  const titleId = useId();
  const matched = FIELDS.filter((f) => imp.columns.matched[f] !== undefined);
  return (
    <Card withBorder radius="md" p="md" component="section" aria-labelledby={titleId}>
      <Stack gap="xs">
        <Title order={2} fz="h4" id={titleId}>
          {t('imports.columns.title')}
        </Title>
        <Group gap={6} align="center">
          <Text size="sm" fw={500}>
            {t('imports.columns.matched')}
          </Text>
          {matched.map((f) => (
            <Badge key={f} variant="light" color="green" c="dark.9" radius="sm" style={{ textTransform: 'none' }}>
              {t('imports.columns.fieldAt', { field: t(`imports.fields.${f}`), column: columnLetter(imp.columns.matched[f] ?? 0) })}
            </Badge>
          ))}
          {Object.entries(imp.columns.fields ?? {}).map(([key, column]) => (
            <Badge key={`field-${key}`} variant="light" color="green" c="dark.9" radius="sm" style={{ textTransform: 'none' }}>
              {t('imports.columns.fieldAt', { field: t('importFields.diffLabel', { key }), column: columnLetter(column) })}
            </Badge>
          ))}
        </Group>
        {imp.columns.ignored.length > 0 && (
          <Text size="sm">
            <Text span fw={500}>
              {t('imports.columns.ignored')}
            </Text>{' '}
            {list(imp.columns.ignored.map((h) => `“${h}”`))}
          </Text>
        )}
        {imp.columns.duplicates.length > 0 && (
          <Text size="sm">
            <Text span fw={500}>
              {t('imports.columns.duplicates')}
            </Text>{' '}
            {list(imp.columns.duplicates.map((h) => `“${h}”`))}
          </Text>
        )}
        {!matched.includes('groups') && (
          <Text size="sm" c="dimmed">
            {t('imports.columns.noGroups')}
          </Text>
        )}
      </Stack>
    </Card>
  );
}

/** Group names that match no group, with "did you mean…?", and the choice to create them. */
export function UnknownGroups({
  imp,
  createGroups,
  onChange,
  disabled,
}: {
  imp: Import;
  createGroups: boolean;
  onChange: (value: boolean) => void;
  disabled: boolean;
}) {
  const { t } = useTranslation();
  const { number } = useImportFormat();
  const titleId = useId();
  if (imp.unknownGroups.length === 0) return null;
  return (
    <Card withBorder radius="md" p="md" component="section" aria-labelledby={titleId}>
      <Stack gap="sm">
        <Stack gap={2}>
          <Title order={2} fz="h4" id={titleId}>
            {t('imports.unknownGroups.title', { count: imp.unknownGroups.length })}
          </Title>
          <Text size="sm" c="dimmed">
            {t('imports.unknownGroups.text')}
          </Text>
        </Stack>
        <Table aria-labelledby={titleId} verticalSpacing={4} maw={720}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('imports.unknownGroups.name')}</Table.Th>
              <Table.Th scope="col">{t('imports.unknownGroups.rows')}</Table.Th>
              <Table.Th scope="col">{t('imports.unknownGroups.suggestion')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {imp.unknownGroups.map((g) => (
              <Table.Tr key={g.name}>
                <Table.Td style={{ overflowWrap: 'anywhere' }}>{g.name}</Table.Td>
                <Table.Td>{number(g.rows)}</Table.Td>
                <Table.Td>{g.suggestion ? t('imports.unknownGroups.didYouMean', { name: g.suggestion }) : '—'}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Checkbox
          label={t('imports.unknownGroups.create', { count: imp.unknownGroups.length })}
          description={
            imp.unknownGroups.some((g) => g.suggestion) ? t('imports.unknownGroups.createHelpTypo') : t('imports.unknownGroups.createHelp')
          }
          checked={createGroups}
          onChange={(event) => onChange(event.currentTarget.checked)}
          disabled={disabled}
        />
      </Stack>
    </Card>
  );
}

type Timing = 'now' | 'later';

/** Approve (with when to send, and in create mode whether to send welcome emails) or reject, each confirmed. */
export function ApproveCard({
  orgId,
  imp,
  createGroups,
  canManage,
}: {
  orgId: string;
  imp: Import;
  createGroups: boolean;
  canManage: boolean;
}) {
  const { t } = useTranslation();
  const { number } = useImportFormat();
  const describe = useImportError();
  const client = useQueryClient();
  const navigate = useNavigate();
  const invalidate = useInvalidateImports(orgId);
  const titleId = useId();
  const [timing, setTiming] = useState<Timing>('now');
  const [sendAt, setSendAt] = useState<string | null>(null);
  const [sendAtError, setSendAtError] = useState<string | null>(null);
  const [sendWelcome, setSendWelcome] = useState(true);
  const [confirm, setConfirm] = useState<'approve' | 'reject' | null>(null);
  const [typed, setTyped] = useState('');
  const typedOk = !needsTypedNumber(imp) || typed.trim() === String(imp.counts.toArchive ?? 0);
  const reason = t('imports.permission');
  const emails = imp.mode === 'invite' || sendWelcome;
  const later = emails && timing === 'later' && sendAt ? sendAt : null;

  const { plan, loading: planLoading } = usePlan(orgId, imp, createGroups, confirm === 'approve');

  const approve = useMutation({
    mutationFn: () => {
      const body: ApproveBody = { createMissingGroups: createGroups };
      if (imp.mode === 'create') body.sendWelcome = sendWelcome;
      if (later) body.sendAt = toInstant(later);
      if (needsTypedNumber(imp)) body.confirmArchiveCount = Number(typed.trim());
      return importsApi.approve(orgId, imp.id, body);
    },
    onSuccess: (next) => {
      client.setQueryData(importDetailKey(orgId, imp.id), next);
      void invalidate();
      setConfirm(null);
      notify.success(t('imports.approve.toast'));
    },
  });
  const reject = useMutation({
    mutationFn: () => importsApi.reject(orgId, imp.id),
    onSuccess: (next) => {
      client.setQueryData(importDetailKey(orgId, imp.id), next);
      void invalidate();
      setConfirm(null);
      notify.success(t('imports.reject.toast'));
      navigate(`/orgs/${orgId}/imports`);
    },
  });

  const openApprove = () => {
    if (emails && timing === 'later') {
      if (!sendAt) return setSendAtError(t('imports.approve.sendAtRequired'));
      if (!dayjs(sendAt).isAfter(dayjs())) return setSendAtError(t('imports.approve.sendAtPast'));
    }
    setSendAtError(null);
    approve.reset();
    setConfirm('approve');
  };

  const confirmLabel = (p: Plan | null) => {
    if (!p || p.people === 0) return t('imports.approve.confirm');
    return imp.mode === 'invite'
      ? t('imports.approve.confirmInvite', { count: p.people, n: number(p.people) })
      : t('imports.approve.confirmCreate', { count: p.people, n: number(p.people) });
  };

  return (
    <Card withBorder radius="md" p="lg" component="section" aria-labelledby={titleId}>
      <Stack gap="md">
        <Stack gap={2}>
          <Title order={2} fz="h3" id={titleId}>
            {t('imports.approve.title')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('imports.approve.text')}
          </Text>
        </Stack>

        {imp.mode === 'create' && (
          <Checkbox
            label={t('imports.approve.sendWelcome')}
            description={t('imports.approve.sendWelcomeHelp')}
            checked={sendWelcome}
            onChange={(event) => setSendWelcome(event.currentTarget.checked)}
            disabled={!canManage}
          />
        )}
        {emails && (
          <Radio.Group
            label={imp.mode === 'invite' ? t('imports.approve.whenInvites') : t('imports.approve.whenWelcome')}
            value={timing}
            onChange={(value) => {
              setTiming(value as Timing);
              setSendAtError(null);
            }}
          >
            <Stack gap="xs" mt="xs">
              <Radio value="now" label={t('imports.approve.now')} disabled={!canManage} />
              <Radio value="later" label={t('imports.approve.later')} disabled={!canManage} />
            </Stack>
          </Radio.Group>
        )}
        {emails && timing === 'later' && (
          <DateTimeField
            label={t('imports.approve.sendAt')}
            value={sendAt}
            onChange={(value) => {
              setSendAt(value);
              setSendAtError(null);
            }}
            minDate={new Date()}
            error={sendAtError}
            maw={320}
            withAsterisk
            disabled={!canManage}
          />
        )}

        <Group gap="sm">
          <GatedButton allowed={canManage} reason={reason} onClick={openApprove}>
            {t('imports.approve.action')}
          </GatedButton>
          <GatedButton
            allowed={canManage}
            reason={reason}
            variant="outline"
            color="red.9"
            onClick={() => {
              reject.reset();
              setConfirm('reject');
            }}
          >
            {t('imports.reject.action')}
          </GatedButton>
        </Group>
      </Stack>

      <ConfirmModal
        opened={confirm === 'approve'}
        onClose={() => setConfirm(null)}
        onConfirm={() => approve.mutate()}
        title={t('imports.approve.confirmTitle')}
        confirmLabel={confirmLabel(plan)}
        loading={approve.isPending}
        confirmDisabled={!plan || !typedOk}
      >
        {planLoading || !plan ? (
          <Group gap="sm" role="status">
            <Loader size="sm" />
            <Text size="sm">{t('imports.approve.counting')}</Text>
          </Group>
        ) : (
          <PlanText imp={imp} plan={plan} sendWelcome={sendWelcome} later={later} />
        )}
        {needsTypedNumber(imp) && <ArchiveConfirm imp={imp} typed={typed} onType={setTyped} />}
        <ActionError error={approve.error} describe={describe} />
      </ConfirmModal>

      <ConfirmModal
        opened={confirm === 'reject'}
        onClose={() => setConfirm(null)}
        onConfirm={() => reject.mutate()}
        title={t('imports.reject.confirmTitle')}
        confirmLabel={t('imports.reject.confirm')}
        danger
        loading={reject.isPending}
      >
        <Text size="sm">{t('imports.reject.confirmText', { count: imp.counts.rows, n: number(imp.counts.rows) })}</Text>
        <ActionError error={reject.error} describe={describe} />
      </ConfirmModal>
    </Card>
  );
}

/** Why approving or rejecting did not work, in the imports' words. */
function ActionError({ error, describe }: { error: unknown; describe: (error: unknown) => string }) {
  const { t } = useTranslation();
  if (!error) return null;
  return (
    <Alert color="red" variant="light" role="alert" title={t('errors.title')} styles={{ title: { color: 'var(--mantine-color-text)' } }}>
      {describe(error)}
    </Alert>
  );
}

/** Exactly what approving will do, in sentences with the numbers. */
function PlanText({ imp, plan, sendWelcome, later }: { imp: Import; plan: Plan; sendWelcome: boolean; later: string | null }) {
  const { t } = useTranslation();
  const { number, list, dateTime } = useImportFormat();
  const n = (count: number) => ({ count, n: number(count) });
  const who = imp.mode === 'invite' ? t('imports.plan.people', n(plan.people)) : t('imports.plan.accounts', n(plan.people));
  const action =
    plan.people === 0
      ? t('imports.plan.nobody')
      : plan.groups === null
        ? t(`imports.plan.${imp.mode}TheirGroups`, { who })
        : plan.groups === 0
          ? t(`imports.plan.${imp.mode}NoGroup`, { who })
          : t(`imports.plan.${imp.mode}`, { who, groups: t('imports.plan.groups', n(plan.groups)) });
  const skipped = plan.skipped === 0 ? t('imports.plan.skippedNone') : t('imports.plan.skipped', n(plan.skipped));
  const when = later ? dateTime(toInstant(later)) : null;
  const details: string[] = [];
  if (plan.members > 0) details.push(t('imports.plan.members', n(plan.members)));
  if (plan.alreadyInvited > 0) details.push(t('imports.plan.alreadyInvited', n(plan.alreadyInvited)));
  if (plan.newGroups.length > 0)
    details.push(t('imports.plan.newGroups', { ...n(plan.newGroups.length), names: list(plan.newGroups.map((g) => `“${g}”`)) }));
  if (plan.people > 0) {
    if (imp.mode === 'invite') details.push(when ? t('imports.plan.invitesAt', { date: when }) : t('imports.plan.invitesNow'));
    else if (!sendWelcome) details.push(t('imports.plan.noWelcome'));
    else details.push(when ? t('imports.plan.welcomeAt', { date: when }) : t('imports.plan.welcomeNow'));
    if (imp.mode === 'create') details.push(t('imports.plan.existingAccounts'));
  }
  if (plan.approximate) details.push(t('imports.plan.approximate'));
  return (
    <Stack gap="xs">
      <Text fw={600} data-testid="import-plan">
        {t('imports.plan.sentence', { action, skipped })}
      </Text>
      {details.length > 0 && (
        <List size="sm" spacing={4}>
          {details.map((d) => (
            <List.Item key={d}>{d}</List.Item>
          ))}
        </List>
      )}
    </Stack>
  );
}
