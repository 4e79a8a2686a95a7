import { Group, Stack, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import type { ReactNode } from 'react';

type Props = { title: string; description?: ReactNode; actions?: ReactNode; above?: ReactNode };

/** The title row of an organization page, with its main actions on the right. */
export function PageHeader({ title, description, actions, above }: Props) {
  useDocumentTitle(`${title} · Troupe`);
  return (
    <Stack gap={4}>
      {above}
      <Group justify="space-between" align="flex-start" gap="md">
        <Title order={1} style={{ overflowWrap: 'anywhere' }}>
          {title}
        </Title>
        {actions && <Group gap="sm">{actions}</Group>}
      </Group>
      {description && (
        <Text c="dimmed" size="sm" style={{ whiteSpace: 'pre-wrap' }}>
          {description}
        </Text>
      )}
    </Stack>
  );
}
