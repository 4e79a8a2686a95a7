import { Anchor, Box, Container, Group } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { LanguageSwitch } from '../../components/language-switch';
import { Logo } from '../../components/logo';
import { SkipLink } from '../../components/skip-link';
import { AccountMenu } from '../account/account-menu';

/** The frame of the learner's pages: logo, language, account; no management navigation. */
export function LearnerLayout({ children }: { children: ReactNode }) {
  return (
    <Box mih="100vh" bg="gray.0" className="print-plain">
      <SkipLink />
      <Box component="header" bg="white" style={{ borderBottom: '1px solid var(--mantine-color-gray-3)' }} className="no-print">
        <Container size="lg">
          <Group justify="space-between" h={60} wrap="nowrap">
            <Anchor component={Link} to="/home" underline="never" aria-label="Troupe">
              <Logo size={28} />
            </Anchor>
            <Group gap="sm" wrap="nowrap">
              <LanguageSwitch />
              <AccountMenu />
            </Group>
          </Group>
        </Container>
      </Box>
      <Container size="lg" component="main" id="main-content" tabIndex={-1} py="xl">
        {children}
      </Container>
    </Box>
  );
}
