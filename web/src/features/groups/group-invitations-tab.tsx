import { Button, Card, Group, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { GroupDetail } from '../../api/types';
import { GatedButton } from '../../components/gated-button';
import { InvitationsList } from '../invitations/invitations-list';
import { InviteForm } from '../invitations/invite-form';
import { usePermissions } from '../orgs/orgs.api';

/** The group's pending and past invitations (optionally its sub-groups'), with invite, resend and cancel. */
export function InvitationsTab({ orgId, group }: { orgId: string; group: GroupDetail }) {
  const { t } = useTranslation();
  const { can } = usePermissions(orgId);
  const canManage = can('invitations.manage');
  const [inviting, setInviting] = useState(false);
  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-start">
        <Text size="sm" c="dimmed" maw={640}>
          {t('groups.invitationsTab.text')}
        </Text>
        {inviting ? (
          <Button variant="default" onClick={() => setInviting(false)}>
            {t('groups.invitationsTab.hideInvite')}
          </Button>
        ) : (
          <GatedButton allowed={canManage} reason={t('invitations.permissions.manage')} onClick={() => setInviting(true)}>
            {t('groups.invitationsTab.invite')}
          </GatedButton>
        )}
      </Group>
      {inviting && (
        <Card withBorder padding="lg">
          <InviteForm orgId={orgId} canManage={canManage} defaultGroupIds={[group.id]} />
        </Card>
      )}
      <InvitationsList
        orgId={orgId}
        canManage={canManage}
        canResendAny={can('invitations.resend')}
        onInvite={() => setInviting(true)}
        fixedGroupId={group.id}
      />
    </Stack>
  );
}
