import { Stack, Tabs } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useParams, useSearchParams } from 'react-router';
import { PageHeader } from '../../components/page-header';
import { usePermissions } from '../orgs/orgs.api';
import { InvitationsList } from './invitations-list';
import { InviteForm } from './invite-form';
import { PasscodesSection } from './passcodes-section';

const TABS = ['list', 'invite', 'passcodes'] as const;
type Tab = (typeof TABS)[number];

/**
 * Invitations of the organization: the list (by status, with bulk resend and cancel),
 * inviting by email, and passcodes. Limited managers see it all; what they may not do is
 * disabled with the reason, and resending stays available to them.
 */
export function InvitationsPage() {
  const { t } = useTranslation();
  const { orgId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const { can } = usePermissions(orgId);
  const canManage = can('invitations.manage');
  const canResend = can('invitations.resend');
  const tab: Tab = TABS.includes(params.get('tab') as Tab) ? (params.get('tab') as Tab) : 'list';

  const setTab = (next: string | null) =>
    setParams(
      (prev) => {
        const out = new URLSearchParams(prev);
        if (next && next !== 'list') out.set('tab', next);
        else out.delete('tab');
        return out;
      },
      { replace: true },
    );

  return (
    <Stack gap="lg">
      <PageHeader title={t('nav.invitations')} description={t('invitations.intro')} />
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List aria-label={t('invitations.tabs.label')}>
          <Tabs.Tab value="list">{t('invitations.tabs.list')}</Tabs.Tab>
          <Tabs.Tab value="invite">{t('invitations.tabs.invite')}</Tabs.Tab>
          <Tabs.Tab value="passcodes">{t('invitations.tabs.passcodes')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="list" pt="lg">
          <InvitationsList orgId={orgId} canManage={canManage} canResendAny={canResend} onInvite={() => setTab('invite')} />
        </Tabs.Panel>
        <Tabs.Panel value="invite" pt="lg">
          <InviteForm orgId={orgId} canManage={canManage} />
        </Tabs.Panel>
        <Tabs.Panel value="passcodes" pt="lg">
          <PasscodesSection orgId={orgId} canManage={canManage} />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
