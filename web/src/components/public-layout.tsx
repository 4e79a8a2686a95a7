import { Anchor, Box, Card, Center, Group, Stack, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { LanguageSwitch } from './language-switch';
import { Logo } from './logo';

type Props = { title: string; children: ReactNode; width?: number };

/** Centered card for pages seen before signing in, with the language switch in the corner. */
export function PublicLayout({ title, children, width = 420 }: Props) {
  useDocumentTitle(`${title} · Troupe`);
  return (
    <Box mih="100vh" bg="gray.0">
      <Group component="header" justify="space-between" p="md">
        <Anchor component={Link} to="/" underline="never">
          <Logo size={28} />
        </Anchor>
        <LanguageSwitch />
      </Group>
      <Center component="main" px="md" pb="xl" pt="lg">
        <Card withBorder shadow="sm" radius="md" p="xl" w="100%" maw={width}>
          <Stack gap="md">
            <Title order={1} fz="h2">
              {title}
            </Title>
            {children}
          </Stack>
        </Card>
      </Center>
    </Box>
  );
}
