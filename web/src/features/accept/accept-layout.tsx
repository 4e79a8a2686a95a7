import { Anchor, Box, Card, Center, Group, Stack, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { LanguageSwitch } from '../../components/language-switch';
import { Logo } from '../../components/logo';

type Props = {
  title: string;
  /** Shown above the title: the organization the page is about. */
  eyebrow?: string;
  children: ReactNode;
  width?: number;
};

/** The public pages people reach from an email or a passcode: the organization first, then one clear action. */
export function AcceptLayout({ title, eyebrow, children, width = 560 }: Props) {
  useDocumentTitle(eyebrow ? `${title} · ${eyebrow} · Troupe` : `${title} · Troupe`);
  return (
    <Box mih="100vh" bg="gray.0">
      <Group component="header" justify="space-between" p="md" wrap="nowrap">
        <Anchor component={Link} to="/" underline="never">
          <Logo size={28} />
        </Anchor>
        <LanguageSwitch />
      </Group>
      <Center component="main" px={{ base: 'xs', sm: 'md' }} pb="xl" pt={{ base: 'xs', sm: 'lg' }}>
        <Card withBorder shadow="sm" radius="md" p={{ base: 'md', sm: 'xl' }} w="100%" maw={width}>
          <Stack gap="md">
            <Stack gap={2}>
              {eyebrow && (
                <Text size="sm" fw={700} c="violet.9" tt="uppercase" style={{ letterSpacing: 0.5, overflowWrap: 'anywhere' }}>
                  {eyebrow}
                </Text>
              )}
              <Title order={1} fz="h2" style={{ overflowWrap: 'anywhere' }}>
                {title}
              </Title>
            </Stack>
            {children}
          </Stack>
        </Card>
      </Center>
    </Box>
  );
}
