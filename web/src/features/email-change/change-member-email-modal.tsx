import { Modal, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { notify } from '../../components/notify';
import { ChangeEmailForm } from './change-email-form';
import { emailChangeApi } from './email-change.api';

type Member = { accountId: string | null; name: string | null; email: string };

/** An admin changes a member's address: the member confirms it from the new mailbox. */
export function ChangeMemberEmailModal({ orgId, member, onClose }: { orgId: string; member: Member | null; onClose: () => void }) {
  const { t } = useTranslation();
  const name = member?.name ?? member?.email ?? '';
  return (
    <Modal
      opened={member !== null}
      onClose={onClose}
      title={t('emailChange.member.title', { name })}
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      {member && (
        <Stack gap="md">
          <Text size="sm">{t('emailChange.member.text', { name, email: member.email })}</Text>
          <ChangeEmailForm
            autoFocus
            send={(email) => emailChangeApi.changeMember(orgId, member.accountId ?? '', email)}
            onDone={(answer) => {
              notify.success(t('emailChange.sent', { email: answer.email }));
              onClose();
            }}
            onCancel={onClose}
          />
        </Stack>
      )}
    </Modal>
  );
}
