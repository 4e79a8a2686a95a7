import {
  Alert,
  Anchor,
  Box,
  Button,
  Checkbox,
  Code,
  CopyButton,
  Drawer,
  Group,
  NumberInput,
  Progress,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
  Tooltip,
  VisuallyHidden,
} from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError } from '../../api/client';
import { useFormat } from '../../app/format';
import { EmptyCard } from '../../components/empty-page';
import { FormActions, FormModal } from '../../components/form-modal';
import { GatedButton } from '../../components/gated-button';
import { notify } from '../../components/notify';
import { ActionsHeader, ListStates } from '../../components/table-states';
import { groupOptions, useAllGroups } from '../groups/groups.api';
import { alertTitle, fieldError, InvitationErrorAlert, useInvitationError } from './errors';
import { InvitationGroupsField, InvitationMessageField, MESSAGE_MAX } from './invitation-fields';
import { invitationsApi, type Passcode, useInvalidateInvitations, usePasscodes, useRedemptions } from './invitations.api';

export const PASSCODE_MIN = 6;
const PASSCODE_CHARS = /^[A-Za-z0-9_-]*$/;

/** The address people type a passcode into. */
export function passcodePageUrl(): string {
  return `${window.location.origin}/join/code`;
}

/** Passcode invitations: list with usage, enable switch, who joined, and a form to create one. */
export function PasscodesSection({ orgId, canManage }: { orgId: string; canManage: boolean }) {
  const { t } = useTranslation();
  const { number, date } = useFormat();
  const passcodes = usePasscodes(orgId);
  const groups = useAllGroups(orgId);
  const groupNames = useMemo(() => new Map((groups.data ?? []).map((g) => [g.id, g.name])), [groups.data]);
  const [creating, setCreating] = useState(false);
  const [viewing, setViewing] = useState<Passcode | null>(null);
  const rows = passcodes.data?.items ?? [];

  const createButton = (
    <GatedButton allowed={canManage} reason={t('invitations.permissions.manage')} onClick={() => setCreating(true)}>
      {t('invitations.passcodes.create')}
    </GatedButton>
  );

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-start">
        <Stack gap={4} maw={640}>
          <Title order={2} fz="h3">
            {t('invitations.passcodes.title')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('invitations.passcodes.intro', { url: passcodePageUrl() })}
          </Text>
        </Stack>
        {createButton}
      </Group>

      <ListStates
        query={passcodes}
        skeletonRows={3}
        errorAlert={InvitationErrorAlert}
        isEmpty={rows.length === 0}
        empty={
          <EmptyCard
            order={3}
            title={t('invitations.passcodes.emptyTitle')}
            text={t('invitations.passcodes.emptyText')}
            action={createButton}
          />
        }
      >
        <Table.ScrollContainer minWidth={820}>
          <Table aria-label={t('invitations.passcodes.table')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('invitations.passcodes.name')}</Table.Th>
                <Table.Th scope="col">{t('invitations.columns.groups')}</Table.Th>
                <Table.Th scope="col">{t('invitations.passcodes.usage')}</Table.Th>
                <Table.Th scope="col">{t('invitations.passcodes.enabled')}</Table.Th>
                <Table.Th scope="col">{t('invitations.columns.created')}</Table.Th>
                <ActionsHeader />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((p) => {
                const full = p.used >= p.capacity;
                return (
                  <Table.Tr key={p.id}>
                    <Table.Td fw={600} style={{ overflowWrap: 'anywhere' }}>
                      {p.name}
                    </Table.Td>
                    <Table.Td>{p.groupIds.map((id) => groupNames.get(id) ?? t('invitations.list.deletedGroup')).join(', ')}</Table.Td>
                    <Table.Td miw={180}>
                      <Stack gap={4}>
                        <Text size="sm">
                          {t('invitations.passcodes.usedOf', { used: number(p.used), capacity: number(p.capacity) })}
                          {full && ` · ${t('invitations.passcodes.full')}`}
                        </Text>
                        <Progress
                          value={Math.min(100, (p.used / Math.max(1, p.capacity)) * 100)}
                          color={full ? 'orange' : 'violet'}
                          aria-label={t('invitations.passcodes.usageOf', {
                            name: p.name,
                            used: number(p.used),
                            capacity: number(p.capacity),
                          })}
                        />
                      </Stack>
                    </Table.Td>
                    <Table.Td>
                      <EnabledSwitch orgId={orgId} passcode={p} canManage={canManage} />
                    </Table.Td>
                    <Table.Td>
                      <time dateTime={p.createdAt}>{date(p.createdAt)}</time>
                    </Table.Td>
                    <Table.Td ta="right">
                      <Button
                        size="xs"
                        variant="default"
                        onClick={() => setViewing(p)}
                        aria-label={t('invitations.passcodes.whoJoinedOf', { name: p.name })}
                      >
                        {t('invitations.passcodes.whoJoined')}
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </ListStates>

      <FormModal opened={creating} onClose={() => setCreating(false)} title={t('invitations.passcodes.createTitle')}>
        <CreatePasscodeForm orgId={orgId} onClose={() => setCreating(false)} />
      </FormModal>
      <RedemptionsDrawer orgId={orgId} passcode={viewing} onClose={() => setViewing(null)} />
    </Stack>
  );
}

function EnabledSwitch({ orgId, passcode: p, canManage }: { orgId: string; passcode: Passcode; canManage: boolean }) {
  const { t } = useTranslation();
  const describe = useInvitationError();
  const invalidate = useInvalidateInvitations(orgId);
  const reasonId = useId();
  const toggle = useMutation({
    mutationFn: (enabled: boolean) => invitationsApi.updatePasscode(orgId, p.id, { enabled }),
    onSuccess: async (res) => {
      notify.success(t(res.enabled ? 'invitations.passcodes.enabledToast' : 'invitations.passcodes.disabledToast', { name: res.name }));
      await invalidate();
    },
    onError: (error) => notify.error(describe(error)),
  });
  const label = t('invitations.passcodes.enabledFor', { name: p.name });
  const checked = toggle.isPending ? (toggle.variables ?? p.enabled) : p.enabled;
  if (!canManage) {
    return (
      <>
        <Tooltip label={t('invitations.permissions.manage')} withArrow multiline maw={280}>
          <Box w="fit-content">
            <Switch checked={p.enabled} disabled aria-label={label} aria-describedby={reasonId} onChange={() => {}} />
          </Box>
        </Tooltip>
        <VisuallyHidden id={reasonId}>{t('invitations.permissions.manage')}</VisuallyHidden>
      </>
    );
  }
  return (
    <Switch
      checked={checked}
      aria-label={label}
      disabled={toggle.isPending}
      onChange={(e) => toggle.mutate(e.currentTarget.checked)}
      label={checked ? t('invitations.passcodes.on') : t('invitations.passcodes.off')}
    />
  );
}

function RedemptionsDrawer({ orgId, passcode, onClose }: { orgId: string; passcode: Passcode | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { dateTime, number } = useFormat();
  const redemptions = useRedemptions(orgId, passcode?.id ?? null);
  const items = redemptions.data?.items ?? [];
  return (
    <Drawer
      opened={passcode !== null}
      onClose={onClose}
      position="right"
      size="lg"
      title={t('invitations.passcodes.drawerTitle', { name: passcode?.name ?? '' })}
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      <ListStates
        query={redemptions}
        skeletonRows={3}
        errorAlert={InvitationErrorAlert}
        isEmpty={items.length === 0}
        empty={<Text size="sm">{t('invitations.passcodes.nobody')}</Text>}
      >
        <Stack gap="sm">
          <Text size="sm" c="dimmed">
            {t('invitations.passcodes.joinedCount', { count: items.length, n: number(items.length) })}
          </Text>
          <Table.ScrollContainer minWidth={420}>
            <Table aria-label={t('invitations.passcodes.drawerTitle', { name: passcode?.name ?? '' })}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('fields.name')}</Table.Th>
                  <Table.Th scope="col">{t('invitations.columns.email')}</Table.Th>
                  <Table.Th scope="col">{t('invitations.passcodes.joinedAt')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((r) => (
                  <Table.Tr key={`${r.email}-${r.joinedAt}`}>
                    <Table.Td>{r.name ?? '—'}</Table.Td>
                    <Table.Td style={{ overflowWrap: 'anywhere' }}>{r.email}</Table.Td>
                    <Table.Td>{r.joinedAt ? <time dateTime={r.joinedAt}>{dateTime(r.joinedAt)}</time> : '—'}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Stack>
      </ListStates>
    </Drawer>
  );
}

/** A readable random code: no 0/O or 1/I to mistype. */
function generateCode(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

export function passcodeProblem(value: string, t: (key: string, o?: Record<string, unknown>) => string): string | null {
  if (!PASSCODE_CHARS.test(value)) return t('invitations.passcodes.codeChars');
  if (value.length < PASSCODE_MIN) return t('invitations.passcodes.codeLength', { count: PASSCODE_MIN });
  return null;
}

function CreatePasscodeForm({ orgId, onClose }: { orgId: string; onClose: () => void }) {
  const { t } = useTranslation();
  const { number } = useFormat();
  const describe = useInvitationError();
  const invalidate = useInvalidateInvitations(orgId);
  const groups = useAllGroups(orgId);
  const options = useMemo(() => groupOptions(groups.data ?? []), [groups.data]);
  const [name, setName] = useState('');
  const [code, setCode] = useState('');
  const [capacity, setCapacity] = useState<number | string>(50);
  const [groupIds, setGroupIds] = useState<string[]>([]);
  const [message, setMessage] = useState('');
  const [sendCopyToMe, setSendCopyToMe] = useState(false);
  const [submitted, setSubmitted] = useState(false);

  const create = useMutation({
    mutationFn: () =>
      invitationsApi.createPasscode(orgId, {
        name: name.trim(),
        passcode: code,
        capacity: Number(capacity),
        groupIds,
        message: message.trim() ? message : undefined,
        sendCopyToMe,
      }),
    onSuccess: async (p) => {
      notify.success(t('invitations.passcodes.created', { name: p.name }));
      await invalidate();
    },
  });

  if (create.isSuccess) {
    const url = passcodePageUrl();
    return (
      <Stack gap="md">
        <Alert color="green" styles={alertTitle('green')} variant="light" role="status" title={t('invitations.passcodes.createdTitle')}>
          <Text size="sm">{t('invitations.passcodes.share')}</Text>
        </Alert>
        <Group gap="sm" wrap="nowrap">
          <Text size="sm" fw={600} miw={90}>
            {t('invitations.passcodes.code')}
          </Text>
          <Code fz="md">{code}</Code>
          <CopyButton value={code}>
            {({ copied, copy }) => (
              <Button size="xs" variant="default" onClick={copy}>
                {copied ? t('invitations.passcodes.copied') : t('invitations.passcodes.copyCode')}
              </Button>
            )}
          </CopyButton>
        </Group>
        <Group gap="sm" wrap="nowrap">
          <Text size="sm" fw={600} miw={90}>
            {t('invitations.passcodes.address')}
          </Text>
          <Anchor component={Link} to="/join/code" size="sm" style={{ overflowWrap: 'anywhere' }}>
            {url}
          </Anchor>
          <CopyButton value={url}>
            {({ copied, copy }) => (
              <Button size="xs" variant="default" onClick={copy}>
                {copied ? t('invitations.passcodes.copied') : t('invitations.passcodes.copyLink')}
              </Button>
            )}
          </CopyButton>
        </Group>
        <Group justify="flex-end">
          <Button onClick={onClose}>{t('invitations.passcodes.done')}</Button>
        </Group>
      </Stack>
    );
  }

  const codeProblem = code ? passcodeProblem(code, t) : submitted ? t('invitations.passcodes.codeRequired') : null;
  const capacityValue = Number(capacity);
  const capacityProblem =
    capacity === ''
      ? submitted
        ? t('invitations.passcodes.capacityRequired')
        : null
      : !Number.isInteger(capacityValue) || capacityValue < 1
        ? t('invitations.passcodes.capacityMin')
        : null;
  const errors = {
    name: submitted && !name.trim() ? t('invitations.passcodes.nameRequired') : fieldError(create.error, 'name', describe),
    passcode:
      codeProblem ??
      (create.error instanceof ApiError && create.error.code === 'passcode_taken'
        ? describe(create.error)
        : fieldError(create.error, 'passcode', describe)),
    capacity: capacityProblem ?? fieldError(create.error, 'capacity', describe),
    groupIds: submitted && groupIds.length === 0 ? t('invitations.invite.groupsRequired') : fieldError(create.error, 'groupIds', describe),
    message:
      message.length > MESSAGE_MAX
        ? t('invitations.invite.messageTooLong', { max: number(MESSAGE_MAX) })
        : fieldError(create.error, 'message', describe),
  };
  const claimed =
    create.error instanceof ApiError && (create.error.code === 'passcode_taken' || Object.keys(create.error.fieldErrors).length > 0);
  const noGroups = groups.isSuccess && groups.data.length === 0;

  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        setSubmitted(true);
        if (
          !name.trim() ||
          !code ||
          passcodeProblem(code, t) ||
          capacityProblem ||
          capacity === '' ||
          groupIds.length === 0 ||
          message.length > MESSAGE_MAX
        )
          return;
        create.mutate();
      }}
    >
      <Stack gap="md">
        <TextInput
          label={t('invitations.passcodes.name')}
          description={t('invitations.passcodes.nameHelp')}
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          withAsterisk
          error={errors.name}
          data-autofocus
        />
        <Stack gap={4}>
          <TextInput
            label={t('invitations.passcodes.code')}
            description={t('invitations.passcodes.codeHelp', { count: PASSCODE_MIN })}
            value={code}
            onChange={(e) => setCode(e.currentTarget.value.trim())}
            withAsterisk
            error={errors.passcode}
            autoComplete="off"
            spellCheck={false}
          />
          <Group>
            <Button variant="subtle" size="compact-sm" onClick={() => setCode(generateCode())}>
              {t('invitations.passcodes.generate')}
            </Button>
          </Group>
        </Stack>
        <NumberInput
          label={t('invitations.passcodes.capacity')}
          description={t('invitations.passcodes.capacityHelp')}
          value={capacity}
          onChange={setCapacity}
          min={1}
          max={1_000_000}
          allowDecimal={false}
          allowNegative={false}
          withAsterisk
          error={errors.capacity}
          maw={240}
        />
        <InvitationGroupsField
          orgId={orgId}
          noGroups={noGroups}
          options={options}
          value={groupIds}
          onChange={setGroupIds}
          error={errors.groupIds}
        />
        <InvitationMessageField
          label={t('invitations.passcodes.message')}
          value={message}
          onChange={setMessage}
          minRows={2}
          maxRows={8}
          error={errors.message}
        />
        <Checkbox
          label={t('invitations.passcodes.sendCopy')}
          checked={sendCopyToMe}
          onChange={(e) => setSendCopyToMe(e.currentTarget.checked)}
        />
        {create.isError && !claimed && <InvitationErrorAlert error={create.error} />}
        <FormActions onCancel={onClose} submitLabel={t('invitations.passcodes.submit')} loading={create.isPending} disabled={noGroups} />
      </Stack>
    </form>
  );
}
