import { Alert, Button, Group, Modal, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useDeferredValue, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../app/format';
import { ConfirmModal } from '../../components/confirm-modal';
import { GatedButton } from '../../components/gated-button';
import { notify } from '../../components/notify';
import { emailKey, previewAddresses } from './address-list';
import { fieldError, InvitationErrorAlert, useInvitationError } from './errors';
import { type CancelResult, canCancel, canResend, type Invitation, invitationsApi, useInvalidateInvitations } from './invitations.api';
import { ShortList } from './invite-form';

type BulkProps = {
  orgId: string;
  action: 'resend' | 'cancel' | null;
  selected: Invitation[];
  onClose: () => void;
  onDone: () => void;
};

/** Confirms a bulk resend or cancel, saying what happens to how many, and what is left alone. */
export function BulkInvitationsModal({ orgId, action, selected, onClose, onDone }: BulkProps) {
  const { t } = useTranslation();
  const { number } = useFormat();
  const invalidate = useInvalidateInvitations(orgId);
  const eligible = selected.filter((i) => (action === 'resend' ? canResend(i) : canCancel(i)));
  const left = selected.length - eligible.length;
  const ids = eligible.map((i) => i.id);

  const run = useMutation({
    mutationFn: async () => {
      if (action === 'resend') return { done: (await invitationsApi.resend(orgId, ids)).resent };
      return { done: (await invitationsApi.cancelByIds(orgId, ids)).cancelled.length };
    },
    onSuccess: async ({ done }) => {
      const unchanged = ids.length - done;
      const key = action === 'resend' ? 'invitations.bulk.resentToast' : 'invitations.bulk.cancelledToast';
      let text = t(key, { count: done, n: number(done) });
      if (unchanged > 0) text += ` ${t('invitations.bulk.unchanged', { count: unchanged, n: number(unchanged) })}`;
      notify.success(text);
      await invalidate();
      onDone();
    },
  });

  const close = () => {
    run.reset();
    onClose();
  };

  if (!action) return null;
  const n = number(eligible.length);
  return (
    <ConfirmModal
      opened
      onClose={close}
      title={t(`invitations.bulk.${action}Title`, { count: eligible.length, n })}
      confirmLabel={t(`invitations.bulk.${action}Confirm`, { count: eligible.length, n })}
      danger={action === 'cancel'}
      loading={run.isPending}
      error={run.error}
      confirmDisabled={eligible.length === 0}
      onConfirm={() => run.mutate()}
    >
      <Text size="sm">{t(`invitations.bulk.${action}Text`, { count: eligible.length, n })}</Text>
      {left > 0 && (
        <Text size="sm" c="dimmed">
          {t(`invitations.bulk.${action}Left`, { count: left, n: number(left) })}
        </Text>
      )}
    </ConfirmModal>
  );
}

/** Cancels one invitation after saying what that does. */
export function CancelOneModal({ orgId, invitation, onClose }: { orgId: string; invitation: Invitation | null; onClose: () => void }) {
  const { t } = useTranslation();
  const invalidate = useInvalidateInvitations(orgId);
  const cancel = useMutation({
    mutationFn: (inv: Invitation) => invitationsApi.cancelOne(orgId, inv.id),
    onSuccess: async (inv) => {
      notify.success(t('invitations.cancelOne.done', { email: inv.email }));
      await invalidate();
      onClose();
    },
  });
  const close = () => {
    cancel.reset();
    onClose();
  };
  if (!invitation) return null;
  return (
    <ConfirmModal
      opened
      onClose={close}
      title={t('invitations.cancelOne.title', { email: invitation.email })}
      confirmLabel={t('invitations.cancelOne.confirm')}
      danger
      loading={cancel.isPending}
      error={cancel.error}
      onConfirm={() => cancel.mutate(invitation)}
    >
      <Text size="sm">{t('invitations.cancelOne.text', { email: invitation.email })}</Text>
    </ConfirmModal>
  );
}

/** Moves an open invitation to another address: the old link stops working, the new address gets an email. */
export function ChangeEmailModal({ orgId, invitation, onClose }: { orgId: string; invitation: Invitation | null; onClose: () => void }) {
  const { t } = useTranslation();
  const describe = useInvitationError();
  const invalidate = useInvalidateInvitations(orgId);
  const [email, setEmail] = useState('');
  const [touched, setTouched] = useState(false);
  const change = useMutation({
    mutationFn: (o: { id: string; email: string }) => invitationsApi.changeEmail(orgId, o.id, o.email),
    onSuccess: async (inv) => {
      notify.success(t('invitations.changeEmail.done', { from: invitation?.email ?? '', to: inv.email }));
      await invalidate();
      close();
    },
  });
  const close = () => {
    setEmail('');
    setTouched(false);
    change.reset();
    onClose();
  };
  const localError = touched && !emailKey(email) ? t('invitations.changeEmail.invalid') : null;
  const serverError =
    fieldError(change.error, 'email', describe) ??
    (change.error && ['already_member', 'already_invited', 'invalid_email'].includes((change.error as { code?: string }).code ?? '')
      ? describe(change.error)
      : undefined);

  return (
    <Modal
      opened={invitation !== null}
      onClose={close}
      title={t('invitations.changeEmail.title')}
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setTouched(true);
          if (!invitation || !emailKey(email)) return;
          change.mutate({ id: invitation.id, email: email.trim() });
        }}
      >
        <Stack gap="md">
          <Text size="sm">{t('invitations.changeEmail.text', { email: invitation?.email ?? '' })}</Text>
          <TextInput
            label={t('invitations.changeEmail.label')}
            type="email"
            autoComplete="off"
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            onBlur={() => setTouched(true)}
            error={localError ?? serverError}
            withAsterisk
            data-autofocus
          />
          {change.isError && !serverError && <InvitationErrorAlert error={change.error} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={change.isPending}>
              {t('invitations.changeEmail.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** Paste addresses to cancel their open invitations; then see which matched and which did not. */
export function PasteCancelModal({
  orgId,
  opened,
  canManage,
  onClose,
}: {
  orgId: string;
  opened: boolean;
  canManage: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { number } = useFormat();
  const invalidate = useInvalidateInvitations(orgId);
  const [text, setText] = useState('');
  const [confirming, setConfirming] = useState(false);
  const deferred = useDeferredValue(text);
  const preview = useMemo(() => previewAddresses(deferred), [deferred]);
  const [result, setResult] = useState<CancelResult | null>(null);
  const cancel = useMutation({
    mutationFn: () => invitationsApi.cancelByEmails(orgId, text),
    onSuccess: async (res) => {
      setResult(res);
      setConfirming(false);
      notify.success(
        t('invitations.pasteCancel.toast', {
          count: res.cancelled.length,
          n: number(res.cancelled.length),
          notFound: number(res.notFound.length),
        }),
      );
      await invalidate();
    },
    onError: () => setConfirming(false),
  });
  const close = () => {
    setText('');
    setResult(null);
    setConfirming(false);
    cancel.reset();
    onClose();
  };
  const count = preview.valid.length + preview.invalid.length;

  return (
    <Modal
      opened={opened}
      onClose={close}
      title={t('invitations.pasteCancel.title')}
      size="lg"
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      {result ? (
        <Stack gap="md">
          <Alert color={result.cancelled.length > 0 ? 'green' : 'gray'} variant="light" role="status">
            <Title order={3} fz="h5" mb={4}>
              {t('invitations.pasteCancel.cancelled', { count: result.cancelled.length, n: number(result.cancelled.length) })}
            </Title>
            {result.cancelled.length > 0 && <ShortList items={result.cancelled.map((c) => c.email)} max={100} />}
          </Alert>
          {result.notFound.length > 0 && (
            <Alert color="yellow" variant="light">
              <Title order={3} fz="h5" mb={4}>
                {t('invitations.pasteCancel.notFound', { count: result.notFound.length, n: number(result.notFound.length) })}
              </Title>
              <Text size="sm" mb={4}>
                {t('invitations.pasteCancel.notFoundHelp')}
              </Text>
              <ShortList items={result.notFound} max={100} />
            </Alert>
          )}
          <Group justify="flex-end">
            <Button onClick={close}>{t('invitations.pasteCancel.done')}</Button>
          </Group>
        </Stack>
      ) : (
        <Stack gap="md">
          <Text size="sm">{t('invitations.pasteCancel.text')}</Text>
          <Textarea
            label={t('invitations.pasteCancel.label')}
            description={t('invitations.invite.addressesHelp')}
            value={text}
            onChange={(e) => {
              setText(e.currentTarget.value);
              setConfirming(false);
            }}
            autosize
            minRows={4}
            maxRows={12}
            spellCheck={false}
            data-autofocus
          />
          {count > 0 && (
            <Text size="sm" aria-live="polite">
              {t('invitations.pasteCancel.count', { count: preview.valid.length, n: number(preview.valid.length) })}
              {preview.invalid.length > 0 &&
                ` ${t('invitations.pasteCancel.invalid', { count: preview.invalid.length, n: number(preview.invalid.length) })}`}
            </Text>
          )}
          {confirming && (
            <Alert color="red" variant="light" role="alert">
              {t('invitations.pasteCancel.confirmText', { count: preview.valid.length, n: number(preview.valid.length) })}
            </Alert>
          )}
          <InvitationErrorAlert error={cancel.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('common.cancel')}
            </Button>
            <GatedButton
              allowed={canManage}
              reason={t('invitations.permissions.manage')}
              color="red.8"
              loading={cancel.isPending}
              disabled={count === 0}
              onClick={() => (confirming ? cancel.mutate() : setConfirming(true))}
            >
              {confirming ? t('invitations.pasteCancel.confirm') : t('invitations.pasteCancel.submit')}
            </GatedButton>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
