import { Box, Card, Group, Image, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';

type Props = {
  name: string;
  welcomeMessage: string | null;
  logoUrl: string | null;
  backgroundUrl: string | null;
  headingLevel?: 2 | 3;
};

/** A group as its learners see it: background image, logo, name and welcome message. */
export function GroupWelcomeCard({ name, welcomeMessage, logoUrl, backgroundUrl, headingLevel = 3 }: Props) {
  const { t } = useTranslation();
  return (
    <Card withBorder radius="md" p={0} style={{ overflow: 'hidden' }}>
      <Box
        h={backgroundUrl ? 120 : 48}
        bg="violet.1"
        style={
          backgroundUrl ? { backgroundImage: `url("${backgroundUrl}")`, backgroundSize: 'cover', backgroundPosition: 'center' } : undefined
        }
        role={backgroundUrl ? 'img' : undefined}
        aria-label={backgroundUrl ? t('home.backgroundOf', { name }) : undefined}
      />
      <Stack gap="xs" p="md">
        <Group gap="sm" wrap="nowrap" align="center">
          {logoUrl && <Image src={logoUrl} alt={t('home.logoOf', { name })} h={48} w={48} fit="contain" radius="sm" bg="white" />}
          <Title order={headingLevel} fz="h4" style={{ overflowWrap: 'anywhere' }}>
            {name}
          </Title>
        </Group>
        {welcomeMessage ? (
          <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
            {welcomeMessage}
          </Text>
        ) : (
          <Text size="sm" c="dimmed" fs="italic">
            {t('home.noWelcome')}
          </Text>
        )}
      </Stack>
    </Card>
  );
}
