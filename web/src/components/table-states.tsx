import { Button, Group, Skeleton, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import type { ComponentType, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../app/format';
import { ErrorAlert } from './api-error';

/** Placeholder rows while a list loads. */
export function ListSkeleton({ rows = 3 }: { rows?: number }) {
  return (
    <Stack gap="xs">
      {Array.from({ length: rows }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: static placeholders
        <Skeleton key={i} h={28} />
      ))}
    </Stack>
  );
}

/** The rows of every page a cursor-paginated (infinite) query has loaded so far, in order. */
export function flattenPages<T>(data: { pages: { items: T[] }[] } | undefined): T[] {
  return data?.pages.flatMap((p) => p.items) ?? [];
}

/** The short line a list shows in place of its table when there is nothing in it. */
export function EmptyNote({ children }: { children: ReactNode }) {
  return (
    <Text size="sm" fs="italic">
      {children}
    </Text>
  );
}

type ListQuery = { isPending: boolean; isError: boolean; error: unknown };

type ListStatesProps = {
  query: ListQuery;
  /** True when the query answered with no rows: `empty` is shown instead of the list. */
  isEmpty: boolean;
  empty: ReactNode;
  skeletonRows?: number;
  /** How the feature shows a failed load (some features translate their own error codes). */
  errorAlert?: ComponentType<{ error: unknown }>;
  children: ReactNode;
};

/** One list, four states: skeleton while loading, the error, the empty state, else the list itself. */
export function ListStates({ query, isEmpty, empty, skeletonRows, errorAlert: Failure = ErrorAlert, children }: ListStatesProps) {
  if (query.isPending) return <ListSkeleton rows={skeletonRows} />;
  if (query.isError) return <Failure error={query.error} />;
  return isEmpty ? empty : children;
}

/** The header of a table's row-actions column: named for screen readers, empty on screen. */
export function ActionsHeader() {
  const { t } = useTranslation();
  return (
    <Table.Th scope="col">
      <VisuallyHidden>{t('common.actions')}</VisuallyHidden>
    </Table.Th>
  );
}

type PagedQuery = { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => Promise<unknown> };

type LoadMoreProps = {
  query: PagedQuery;
  shown?: number;
  total?: number;
};

/** "Load more" under a cursor-paginated list, with how many rows are shown. */
export function LoadMore({ query, shown, total }: LoadMoreProps) {
  const { t } = useTranslation();
  const { number } = useFormat();
  if (!query.hasNextPage && shown === undefined) return null;
  return (
    <Group justify="space-between">
      {shown !== undefined ? (
        <Text size="sm" c="dimmed" aria-live="polite">
          {total !== undefined
            ? t('common.shownOf', { count: total, n: number(shown), total: number(total) })
            : t('common.shown', { count: shown, n: number(shown) })}
        </Text>
      ) : (
        <span />
      )}
      {query.hasNextPage && (
        <Button variant="default" loading={query.isFetchingNextPage} onClick={() => void query.fetchNextPage()}>
          {t('common.loadMore')}
        </Button>
      )}
    </Group>
  );
}
