import { Button, Combobox, Menu, Text, VisuallyHidden } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';
import { isStaff, useSignedIn } from '../account/session';

/** Keeps the same page when moving to another organization (Settings → Settings). */
function samePageIn(pathname: string, fromOrg: string, toOrg: string): string {
  const prefix = `/orgs/${fromOrg}/`;
  const rest = pathname.startsWith(prefix) ? pathname.slice(prefix.length).split('/')[0] : '';
  return `/orgs/${toOrg}/${rest || 'learners'}`;
}

export function OrgSwitcher({ orgId }: { orgId: string }) {
  const { t } = useTranslation();
  const { memberships } = useSignedIn();
  const { pathname } = useLocation();
  const current = memberships.find((m) => m.orgId === orgId);
  const others = memberships.filter((m) => m.status !== 'archived' && isStaff(m.role));

  return (
    <Menu position="bottom-start" width={280} withinPortal>
      <Menu.Target>
        <Button variant="default" rightSection={<Combobox.Chevron />} maw={280}>
          <VisuallyHidden>{t('shell.switchOrg')}</VisuallyHidden>
          <Text span truncate="end" fw={600} size="sm">
            {current?.orgName}
          </Text>
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{t('shell.yourOrgs')}</Menu.Label>
        {others.map((m) => (
          <Menu.Item
            key={m.orgId}
            component={Link}
            to={samePageIn(pathname, orgId, m.orgId)}
            aria-current={m.orgId === orgId ? 'page' : undefined}
            fw={m.orgId === orgId ? 700 : undefined}
            rightSection={
              <Text span size="xs" c="dimmed">
                {t(`roles.${m.role}`)}
              </Text>
            }
          >
            {m.orgName}
          </Menu.Item>
        ))}
        <Menu.Divider />
        <Menu.Item component={Link} to="/orgs/new">
          {t('shell.createOrg')}
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
