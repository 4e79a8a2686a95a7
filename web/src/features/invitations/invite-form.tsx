import { Alert, Button, Card, Checkbox, Group, List, Progress, Radio, Select, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { useDeferredValue, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import type { Role } from '../../api/types';
import { useFormat } from '../../app/format';
import { DateTimeField, toInstant } from '../../components/date-time-field';
import { GatedButton } from '../../components/gated-button';
import { notify } from '../../components/notify';
import { groupOptions, useAllGroups } from '../groups/groups.api';
import { usePermissions } from '../orgs/orgs.api';
import { useLocations } from '../settings/settings.api';
import { previewAddresses } from './address-list';
import { alertTitle, fieldError, InvitationErrorAlert, useInvitationError } from './errors';
import { InvitationGroupsField, InvitationMessageField, MESSAGE_MAX } from './invitation-fields';
import {
  type Batch,
  type InviteResult,
  invitationsApi,
  isBatch,
  type Skipped,
  useBatch,
  useInvalidateInvitations,
} from './invitations.api';

/** How many addresses of a long list are written out before "and N more". */
const SHOW_AT_MOST = 20;

/** A list cut after a few entries, saying how many more there are. */
export function ShortList({ items, max = SHOW_AT_MOST }: { items: string[]; max?: number }) {
  const { t } = useTranslation();
  const { number } = useFormat();
  const shown = items.slice(0, max);
  return (
    <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
      {shown.join(', ')}
      {items.length > max && ` ${t('invitations.invite.andMore', { count: items.length - max, n: number(items.length - max) })}`}
    </Text>
  );
}

/** "Invite by email": paste any number of addresses, see which are valid, choose groups and send now or later. */
export function InviteForm({ orgId, canManage, defaultGroupIds }: { orgId: string; canManage: boolean; defaultGroupIds?: string[] }) {
  const { t } = useTranslation();
  const { number, dateTime } = useFormat();
  const describe = useInvitationError();
  const [params, setParams] = useSearchParams();
  // The roles the server says this viewer may give (/api/v1/me), never a table of our own.
  const roles = usePermissions(orgId).grantableRoles;
  const groups = useAllGroups(orgId);
  const locations = useLocations(orgId);
  const invalidate = useInvalidateInvitations(orgId);
  const options = useMemo(() => groupOptions(groups.data ?? []), [groups.data]);
  const locationOptions = (locations.data?.items ?? []).filter((l) => !l.archivedAt).map((l) => ({ value: l.id, label: l.name }));

  const [text, setText] = useState('');
  const [groupIds, setGroupIds] = useState<string[]>(defaultGroupIds ?? []);
  const [role, setRole] = useState<Role>('learner');
  const [locationId, setLocationId] = useState<string | null>(null);
  const [message, setMessage] = useState('');
  const [sendCopyToMe, setSendCopyToMe] = useState(false);
  const [when, setWhen] = useState<'now' | 'later'>('now');
  const [sendAt, setSendAt] = useState<string | null>(null);
  const [submitted, setSubmitted] = useState(false);
  const [result, setResult] = useState<{ res: InviteResult; sendAt: string | null } | null>(null);

  // Parsing 100,000 addresses on every key press would lag: the preview follows the typing.
  const deferred = useDeferredValue(text);
  const preview = useMemo(() => previewAddresses(deferred), [deferred]);
  const batchId = params.get('batch');

  const errors = {
    emails: submitted && preview.valid.length === 0 ? t('invitations.invite.noValid') : null,
    groupIds: submitted && groupIds.length === 0 ? t('invitations.invite.groupsRequired') : null,
    message: message.length > MESSAGE_MAX ? t('invitations.invite.messageTooLong', { max: number(MESSAGE_MAX) }) : null,
    sendAt:
      when === 'later' && submitted
        ? !sendAt
          ? t('invitations.invite.sendAtRequired')
          : dayjs(sendAt).isBefore(dayjs())
            ? t('invitations.invite.sendAtPast')
            : null
        : null,
  };

  const send = useMutation({
    mutationFn: () =>
      invitationsApi.invite(orgId, {
        emails: [text],
        groupIds,
        role,
        locationId: locationId ?? undefined,
        message: message.trim() ? message : undefined,
        sendCopyToMe,
        sendAt: when === 'later' && sendAt ? toInstant(sendAt) : undefined,
      }),
    onSuccess: async (res) => {
      setSubmitted(false);
      setText('');
      const at = when === 'later' && sendAt ? toInstant(sendAt) : null;
      if (isBatch(res)) {
        setResult(null);
        setParams(
          (prev) => {
            const next = new URLSearchParams(prev);
            next.set('batch', res.batchId);
            return next;
          },
          { replace: true },
        );
      } else {
        setResult({ res, sendAt: at });
        const n = res.items.length;
        notify.success(
          at
            ? t('invitations.invite.scheduledToast', { count: n, n: number(n), date: dateTime(at) })
            : t('invitations.invite.sentToast', { count: n, n: number(n) }),
        );
      }
      await invalidate();
    },
  });

  const submit = () => {
    setSubmitted(true);
    const blocked =
      preview.valid.length === 0 ||
      groupIds.length === 0 ||
      message.length > MESSAGE_MAX ||
      (when === 'later' && (!sendAt || dayjs(sendAt).isBefore(dayjs())));
    if (blocked) return;
    send.mutate();
  };

  const serverGroupError = fieldError(send.error, 'groupIds', describe);
  const serverLocationError = fieldError(send.error, 'locationId', describe);
  const serverSendAtError = fieldError(send.error, 'sendAt', describe);
  const serverMessageError = fieldError(send.error, 'message', describe);
  const claimed = serverGroupError || serverLocationError || serverSendAtError || serverMessageError;
  const noGroups = groups.isSuccess && groups.data.length === 0;
  const count = preview.valid.length;

  return (
    <Stack gap="lg">
      {batchId && (
        <BatchPanel
          orgId={orgId}
          batchId={batchId}
          onDismiss={() =>
            setParams(
              (prev) => {
                const next = new URLSearchParams(prev);
                next.delete('batch');
                return next;
              },
              { replace: true },
            )
          }
        />
      )}
      {result && (
        <ResultPanel
          orgId={orgId}
          invited={result.res.items.map((i) => i.email)}
          skipped={result.res.skipped}
          sendAt={result.sendAt}
          onDismiss={() => setResult(null)}
        />
      )}

      <Card withBorder radius="md" p="lg">
        <form
          noValidate
          aria-labelledby="invite-form-title"
          onSubmit={(event) => {
            event.preventDefault();
            if (canManage) submit();
          }}
        >
          <Stack gap="md">
            <Title order={2} fz="h3" id="invite-form-title">
              {t('invitations.invite.title')}
            </Title>
            {!canManage && (
              <Alert color="gray" variant="light">
                {t('invitations.permissions.manage')}
              </Alert>
            )}
            <Textarea
              label={t('invitations.invite.addresses')}
              description={t('invitations.invite.addressesHelp')}
              placeholder={t('invitations.invite.addressesPlaceholder')}
              value={text}
              onChange={(e) => setText(e.currentTarget.value)}
              autosize
              minRows={4}
              maxRows={12}
              withAsterisk
              error={errors.emails}
              spellCheck={false}
              autoComplete="off"
            />
            <AddressSummary valid={preview.valid.length} invalid={preview.invalid} duplicates={preview.duplicates} />

            <InvitationGroupsField
              orgId={orgId}
              noGroups={noGroups}
              options={options}
              value={groupIds}
              onChange={setGroupIds}
              description={t('invitations.invite.groupsHelp')}
              error={errors.groupIds ?? serverGroupError}
            />
            <Group grow align="flex-start" gap="md" wrap="wrap">
              <Select
                label={t('invitations.invite.role')}
                data={roles.map((r) => ({ value: r, label: t(`roles.${r}`) }))}
                value={role}
                onChange={(value) => setRole((value as Role | null) ?? 'learner')}
                allowDeselect={false}
                comboboxProps={{ withinPortal: true }}
                miw={200}
              />
              {locationOptions.length > 0 && (
                <Select
                  label={t('invitations.invite.location')}
                  placeholder={t('invitations.invite.noLocation')}
                  data={locationOptions}
                  value={locationId}
                  onChange={setLocationId}
                  clearable
                  error={serverLocationError}
                  comboboxProps={{ withinPortal: true }}
                  clearButtonProps={{ 'aria-label': t('common.clear') }}
                  miw={200}
                />
              )}
            </Group>
            <InvitationMessageField
              label={t('invitations.invite.message')}
              value={message}
              onChange={setMessage}
              minRows={3}
              maxRows={10}
              error={errors.message ?? serverMessageError}
            />
            <Checkbox
              label={t('invitations.invite.sendCopy')}
              checked={sendCopyToMe}
              onChange={(e) => setSendCopyToMe(e.currentTarget.checked)}
            />
            <Radio.Group
              label={t('invitations.invite.when')}
              value={when}
              onChange={(value) => setWhen(value === 'later' ? 'later' : 'now')}
            >
              <Group gap="lg" mt={6}>
                <Radio value="now" label={t('invitations.invite.now')} />
                <Radio value="later" label={t('invitations.invite.later')} />
              </Group>
            </Radio.Group>
            {when === 'later' && (
              <DateTimeField
                label={t('invitations.invite.sendAt')}
                description={t('invitations.invite.sendAtHelp')}
                value={sendAt}
                onChange={setSendAt}
                minDate={new Date()}
                withAsterisk
                clearable
                error={errors.sendAt ?? serverSendAtError}
                maw={360}
              />
            )}
            {send.isError && !claimed && <InvitationErrorAlert error={send.error} />}
            <Group justify="flex-end">
              <GatedButton
                type="submit"
                allowed={canManage}
                reason={t('invitations.permissions.manage')}
                loading={send.isPending}
                disabled={noGroups}
              >
                {count === 0
                  ? t(when === 'later' ? 'invitations.invite.scheduleEmpty' : 'invitations.invite.sendEmpty')
                  : when === 'later'
                    ? t('invitations.invite.schedule', { count, n: number(count) })
                    : t('invitations.invite.send', { count, n: number(count) })}
              </GatedButton>
            </Group>
          </Stack>
        </form>
      </Card>
    </Stack>
  );
}

/** What the pasted text holds, updated as the admin types. */
function AddressSummary({ valid, invalid, duplicates }: { valid: number; invalid: string[]; duplicates: string[] }) {
  const { t } = useTranslation();
  const { number } = useFormat();
  if (valid === 0 && invalid.length === 0 && duplicates.length === 0) return null;
  return (
    <Stack gap={4} aria-live="polite">
      <Text size="sm" fw={600} c={valid > 0 ? 'green.9' : undefined}>
        {t('invitations.invite.validCount', { count: valid, n: number(valid) })}
      </Text>
      {duplicates.length > 0 && (
        <Text size="sm" c="dimmed">
          {t('invitations.invite.duplicateCount', { count: duplicates.length, n: number(duplicates.length) })}
        </Text>
      )}
      {invalid.length > 0 && (
        <Alert
          color="red"
          styles={alertTitle('red')}
          variant="light"
          p="xs"
          title={t('invitations.invite.invalidTitle', { count: invalid.length, n: number(invalid.length) })}
        >
          <ShortList items={invalid} />
        </Alert>
      )}
    </Stack>
  );
}

/** A large list runs in the background: the progress stays on screen across reloads (the batch id is in the address). */
function BatchPanel({ orgId, batchId, onDismiss }: { orgId: string; batchId: string; onDismiss: () => void }) {
  const { t } = useTranslation();
  const { number } = useFormat();
  const batch = useBatch(orgId, batchId);
  const invalidate = useInvalidateInvitations(orgId);
  const status = batch.data?.status;
  // biome-ignore lint/correctness/useExhaustiveDependencies: refresh the lists once, when the batch ends
  useEffect(() => {
    if (status === 'done') void invalidate();
  }, [status]);

  if (batch.isError) return <InvitationErrorAlert error={batch.error} />;
  const data: Batch | undefined = batch.data;
  if (!data || data.status === 'queued' || data.status === 'running') {
    return (
      <Card withBorder radius="md" p="lg" role="status">
        <Stack gap="sm">
          <Title order={2} fz="h4">
            {t('invitations.batch.title')}
          </Title>
          <Text size="sm">{data ? t('invitations.batch.running', { count: data.total, n: number(data.total) }) : t('common.loading')}</Text>
          <Progress value={100} animated size="lg" aria-label={t('invitations.batch.progress')} />
          <Text size="xs" c="dimmed">
            {t('invitations.batch.canLeave')}
          </Text>
        </Stack>
      </Card>
    );
  }
  if (data.status === 'failed') {
    return (
      <Alert color="red" styles={alertTitle('red')} variant="light" title={t('invitations.batch.failedTitle')} role="alert">
        <Text size="sm">{t('invitations.batch.failedText')}</Text>
        <Button size="xs" variant="default" mt="sm" onClick={onDismiss}>
          {t('common.close')}
        </Button>
      </Alert>
    );
  }
  return (
    <ResultPanel
      orgId={orgId}
      invitedCount={data.invited ?? 0}
      invited={[]}
      skipped={data.skipped ?? []}
      sendAt={null}
      onDismiss={onDismiss}
    />
  );
}

type ResultProps = {
  orgId: string;
  invited: string[];
  /** When only the number is known (background batches). */
  invitedCount?: number;
  skipped: Skipped[];
  sendAt: string | null;
  onDismiss: () => void;
};

/** What was invited and, per skipped address, why, with a way to resend what is already pending. */
export function ResultPanel({ orgId, invited, invitedCount, skipped, sendAt, onDismiss }: ResultProps) {
  const { t } = useTranslation();
  const { number, dateTime } = useFormat();
  const describe = useInvitationError();
  const canResend = usePermissions(orgId).can('invitations.resend');
  const invalidate = useInvalidateInvitations(orgId);
  const [resent, setResent] = useState<Set<string>>(new Set());
  const n = invitedCount ?? invited.length;
  const pending = skipped.filter((s) => s.reason === 'already_invited' && s.invitationId && !resent.has(s.invitationId));

  const resend = useMutation({
    mutationFn: (ids: string[]) => invitationsApi.resend(orgId, ids),
    onSuccess: async (res, ids) => {
      setResent((prev) => new Set([...prev, ...ids]));
      notify.success(t('invitations.bulk.resentToast', { count: res.resent, n: number(res.resent) }));
      await invalidate();
    },
    onError: (error) => notify.error(describe(error)),
  });

  return (
    <Card withBorder radius="md" p="lg" aria-labelledby="invite-result-title" component="section">
      <Stack gap="md">
        <Group justify="space-between" align="flex-start">
          <Title order={2} fz="h4" id="invite-result-title">
            {t('invitations.result.title')}
          </Title>
          <Button size="xs" variant="subtle" onClick={onDismiss}>
            {t('invitations.result.dismiss')}
          </Button>
        </Group>
        <Alert color={n > 0 ? 'green' : 'gray'} variant="light" role="status">
          <Text size="sm" fw={600}>
            {sendAt
              ? t('invitations.result.scheduled', { count: n, n: number(n), date: dateTime(sendAt) })
              : t('invitations.result.sent', { count: n, n: number(n) })}
          </Text>
          {invited.length > 0 && <ShortList items={invited} />}
        </Alert>
        {skipped.length > 0 && (
          <Stack gap="xs">
            <Group justify="space-between">
              <Title order={3} fz="h5">
                {t('invitations.result.skipped', { count: skipped.length, n: number(skipped.length) })}
              </Title>
              {pending.length > 1 && (
                <GatedButton
                  size="xs"
                  variant="default"
                  allowed={canResend}
                  reason={t('invitations.permissions.resend')}
                  loading={resend.isPending}
                  onClick={() => resend.mutate(pending.map((s) => s.invitationId ?? ''))}
                >
                  {t('invitations.result.resendAll', { count: pending.length, n: number(pending.length) })}
                </GatedButton>
              )}
            </Group>
            <Table.ScrollContainer minWidth={480}>
              <Table aria-label={t('invitations.result.skippedTable')}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">{t('invitations.columns.email')}</Table.Th>
                    <Table.Th scope="col">{t('invitations.result.reason')}</Table.Th>
                    <Table.Th scope="col">{t('common.actions')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {skipped.slice(0, 500).map((s, i) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: the same text can be skipped twice
                    <Table.Tr key={`${s.email}-${i}`}>
                      <Table.Td style={{ overflowWrap: 'anywhere' }}>{s.email}</Table.Td>
                      <Table.Td>{t(`invitations.skipReasons.${s.reason}`)}</Table.Td>
                      <Table.Td>
                        {s.reason === 'already_invited' && s.invitationId ? (
                          resent.has(s.invitationId) ? (
                            <Text size="sm" c="green.9">
                              {t('invitations.result.resentOne')}
                            </Text>
                          ) : (
                            <GatedButton
                              size="xs"
                              variant="default"
                              allowed={canResend}
                              reason={t('invitations.permissions.resend')}
                              loading={resend.isPending && resend.variables?.includes(s.invitationId)}
                              onClick={() => resend.mutate([s.invitationId ?? ''])}
                              aria-label={t('invitations.result.resendTo', { email: s.email })}
                            >
                              {t('invitations.actions.resend')}
                            </GatedButton>
                          )
                        ) : null}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            {skipped.length > 500 && (
              <Text size="sm" c="dimmed">
                {t('invitations.result.moreSkipped', { count: skipped.length - 500, n: number(skipped.length - 500) })}
              </Text>
            )}
            <List size="sm" c="dimmed" spacing={2}>
              {Object.entries(countReasons(skipped)).map(([reason, c]) => (
                <List.Item key={reason}>
                  {t(`invitations.skipReasons.${reason}`)} — {number(c)}
                </List.Item>
              ))}
            </List>
          </Stack>
        )}
      </Stack>
    </Card>
  );
}

function countReasons(skipped: Skipped[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of skipped) out[s.reason] = (out[s.reason] ?? 0) + 1;
  return out;
}
