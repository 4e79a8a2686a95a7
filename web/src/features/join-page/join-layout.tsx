import { Anchor, Box, Card, Center, Group, Image, Stack, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { LanguageSwitch } from '../../components/language-switch';
import { Logo } from '../../components/logo';

type Props = {
  title: string;
  /** The organization the page belongs to, shown first with its logo (titles name it too). */
  orgName?: string;
  logoUrl?: string | null;
  children: ReactNode;
};

/** The frame of the public join pages: the organization's logo and name first, then one card; fits a phone. */
export function JoinLayout({ title, orgName, logoUrl, children }: Props) {
  const { t } = useTranslation();
  useDocumentTitle(`${title} · Troupe`);
  return (
    <Box mih="100vh" bg="gray.0">
      <Group component="header" justify="space-between" px="md" py="sm" wrap="nowrap">
        <Anchor component={Link} to="/" underline="never" aria-label="Troupe">
          <Logo size={24} />
        </Anchor>
        <LanguageSwitch />
      </Group>
      <Center component="main" px={{ base: 'xs', sm: 'md' }} pb="xl" pt={{ base: 'xs', sm: 'lg' }}>
        <Card withBorder shadow="sm" radius="md" p={{ base: 'md', sm: 'xl' }} w="100%" maw={480}>
          <Stack gap="md">
            {logoUrl && (
              <Group gap="sm" wrap="nowrap">
                <Image
                  src={logoUrl}
                  alt={t('joinPage.public.logoAlt', { org: orgName ?? '' })}
                  h={56}
                  w={56}
                  fit="contain"
                  radius="sm"
                  bg="white"
                />
                {orgName && (
                  <Text fw={600} size="lg" style={{ overflowWrap: 'anywhere' }}>
                    {orgName}
                  </Text>
                )}
              </Group>
            )}
            <Title order={1} fz="h2" style={{ overflowWrap: 'anywhere' }}>
              {title}
            </Title>
            {children}
          </Stack>
        </Card>
      </Center>
    </Box>
  );
}
