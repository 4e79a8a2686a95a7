import { Card, EmptyState, Stack, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import type { ReactNode } from 'react';

type EmptyCardProps = {
  title: string;
  text: string;
  /** What to do next, e.g. a create button. */
  action?: ReactNode;
  /** The title's heading level within the page. */
  order?: 2 | 3;
};

/** What a list shows when it has nothing in it: why, and what to do next. */
export function EmptyCard({ title, text, action, order = 2 }: EmptyCardProps) {
  return (
    <Card withBorder radius="md" p="xl">
      <EmptyState>
        <EmptyState.Title order={order}>{title}</EmptyState.Title>
        <EmptyState.Description>{text}</EmptyState.Description>
        {action && <EmptyState.Actions>{action}</EmptyState.Actions>}
      </EmptyState>
    </Card>
  );
}

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
      <EmptyCard title={emptyTitle} text={emptyText} action={action} />
    </Stack>
  );
}
