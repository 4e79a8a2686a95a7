import { NavLink, Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';

export const NAV_ITEMS = [
  { path: 'learners', label: 'nav.learners' },
  { path: 'groups', label: 'nav.groups' },
  { path: 'programs', label: 'nav.programs' },
  { path: 'invitations', label: 'nav.invitations' },
  { path: 'imports', label: 'nav.imports' },
  { path: 'join-page', label: 'nav.joinPage' },
  { path: 'settings', label: 'nav.settings' },
] as const;

export function OrgNav({ orgId, onNavigate }: { orgId: string; onNavigate: () => void }) {
  const { t } = useTranslation();
  const { pathname } = useLocation();
  return (
    <Stack gap={4}>
      {NAV_ITEMS.map((item) => {
        const to = `/orgs/${orgId}/${item.path}`;
        const active = pathname === to || pathname.startsWith(`${to}/`);
        return (
          <NavLink
            key={item.path}
            component={Link}
            to={to}
            label={t(item.label)}
            active={active}
            aria-current={active ? 'page' : undefined}
            onClick={onNavigate}
            variant="light"
          />
        );
      })}
    </Stack>
  );
}
