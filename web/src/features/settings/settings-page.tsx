import { Stack, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { ApiKeysCard } from '../api-keys/api-keys-card';
import { DomainsCard } from '../domains/domains-card';
import { InvitationRemindersCard } from '../observers/invitation-reminders-card';
import { ProfileFieldsCard } from '../profile-fields/profile-fields-card';
import { ScimCard } from '../scim/scim-card';
import { WebhooksCard } from '../webhooks/webhooks-card';
import { AuditLogCard } from './audit-log-card';
import { LocationsCard } from './locations-card';
import { OrgDetailsCard } from './org-details-card';
import { OrgSeatsCard } from '../sso/org-seats-card';
import { SsoCard } from '../sso/sso-card';

export function SettingsPage() {
  const { t } = useTranslation();
  const { orgId = '' } = useParams();
  useDocumentTitle(`${t('nav.settings')} · Troupe`);
  return (
    <Stack gap="lg" maw={960}>
      <Title order={1}>{t('nav.settings')}</Title>
      <OrgDetailsCard orgId={orgId} />
      <OrgSeatsCard orgId={orgId} />
      <LocationsCard orgId={orgId} />
      <DomainsCard orgId={orgId} />
      <ProfileFieldsCard orgId={orgId} />
      <InvitationRemindersCard orgId={orgId} />
      <ApiKeysCard orgId={orgId} />
      <SsoCard orgId={orgId} />
      <ScimCard orgId={orgId} />
      <WebhooksCard orgId={orgId} />
      <AuditLogCard orgId={orgId} />
    </Stack>
  );
}
