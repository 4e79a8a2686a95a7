import { Avatar, Group, Menu, Text, UnstyledButton, VisuallyHidden } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { useSignedIn, useSignOut } from './session';

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '') + (parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : '')).toUpperCase() || '?';
}

/** Who is signed in, and the way out. */
export function AccountMenu() {
  const { t } = useTranslation();
  const { account } = useSignedIn();
  const signOut = useSignOut();
  const navigate = useNavigate();

  return (
    <Menu position="bottom-end" width={260} withinPortal>
      <Menu.Target>
        <UnstyledButton>
          <Group gap="xs" wrap="nowrap">
            <Avatar color="violet" radius="xl" size="sm" aria-hidden="true">
              {initials(account.name)}
            </Avatar>
            <VisuallyHidden>{t('account.menu')}</VisuallyHidden>
            <Text size="sm" fw={500} visibleFrom="md" lineClamp={1} maw={160}>
              {account.name}
            </Text>
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>
          <Text size="sm" fw={600} c="dark">
            {account.name}
          </Text>
          <Text size="xs" c="dimmed">
            {account.email}
          </Text>
        </Menu.Label>
        <Menu.Divider />
        <Menu.Item component={Link} to="/home">
          {t('account.myLearning')}
        </Menu.Item>
        <Menu.Item component={Link} to="/account">
          {t('account.myAccount')}
        </Menu.Item>
        <Menu.Item component={Link} to="/account/digests">
          {t('observers.digest.menu')}
        </Menu.Item>
        <Menu.Item onClick={() => signOut.mutate(undefined, { onSettled: () => navigate('/sign-in') })}>{t('account.signOut')}</Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
