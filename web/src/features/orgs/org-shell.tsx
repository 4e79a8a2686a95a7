import { AppShell, Burger, Group, ScrollArea } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Outlet, useParams } from 'react-router';
import { LanguageSwitch } from '../../components/language-switch';
import { Logo } from '../../components/logo';
import { NotFoundPage } from '../../components/not-found';
import { SkipLink } from '../../components/skip-link';
import { AccountMenu } from '../account/account-menu';
import { isStaff, rememberOrg, useSignedIn } from '../account/session';
import { OrgNav } from './org-nav';
import { OrgSwitcher } from './org-switcher';

/** The frame of every organization page: navigation, organization switcher, account, language. */
export function OrgShell() {
  const { t } = useTranslation();
  const { orgId = '' } = useParams();
  const me = useSignedIn();
  const [opened, { toggle, close }] = useDisclosure(false);
  const membership = me.memberships.find((m) => m.orgId === orgId);

  const staff = membership ? isStaff(membership.role) : false;
  useEffect(() => {
    if (membership && staff) rememberOrg(membership.orgId);
  }, [membership, staff]);

  if (!membership) return <NotFoundPage />;
  // Learners and guests have no management pages: their home shows their groups and programs.
  if (!staff) return <Navigate to="/home" replace />;

  return (
    <AppShell header={{ height: 60 }} navbar={{ width: 240, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="lg">
      <SkipLink />
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={t(opened ? 'shell.closeNav' : 'shell.openNav')}
            />
            <Logo size={28} withName={false} />
            <OrgSwitcher orgId={orgId} />
          </Group>
          <Group gap="sm" wrap="nowrap">
            <LanguageSwitch />
            <AccountMenu />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" aria-label={t('shell.navLabel')}>
        <AppShell.Section grow component={ScrollArea}>
          <OrgNav orgId={orgId} onNavigate={close} />
        </AppShell.Section>
      </AppShell.Navbar>
      <AppShell.Main id="main-content" tabIndex={-1}>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
