import { Card, EmptyState, Stack, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import type { ReactNode } from 'react';

type Props = {
  title: string;
  emptyTitle: string;
  emptyText: string;
  action?: ReactNode;
};

/** A page of the organization shell that has nothing to list yet. */
export function EmptyPage({ title, emptyTitle, emptyText, action }: Props) {
  useDocumentTitle(`${title} · Troupe`);
  return (
    <Stack gap="lg">
      <Title order={1}>{title}</Title>
      <Card withBorder radius="md" p="xl">
        <EmptyState>
          <EmptyState.Title order={2}>{emptyTitle}</EmptyState.Title>
          <EmptyState.Description>{emptyText}</EmptyState.Description>
          {action && <EmptyState.Actions>{action}</EmptyState.Actions>}
        </EmptyState>
      </Card>
    </Stack>
  );
}
