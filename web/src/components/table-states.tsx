import { Button, Group, Skeleton, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../app/format';

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

type LoadMoreProps = {
  hasNextPage: boolean;
  loading: boolean;
  onLoadMore: () => void;
  shown?: number;
  total?: number;
};

/** "Load more" under a cursor-paginated list, with how many rows are shown. */
export function LoadMore({ hasNextPage, loading, onLoadMore, shown, total }: LoadMoreProps) {
  const { t } = useTranslation();
  const { number } = useFormat();
  if (!hasNextPage && shown === undefined) return null;
  return (
    <Group justify="space-between">
      {shown !== undefined ? (
        <Text size="sm" c="dimmed" aria-live="polite">
          {total !== undefined ? t('common.shownOf', { count: total, n: number(shown), total: number(total) }) : t('common.shown', { count: shown, n: number(shown) })}
        </Text>
      ) : (
        <span />
      )}
      {hasNextPage && (
        <Button variant="default" loading={loading} onClick={onLoadMore}>
          {t('common.loadMore')}
        </Button>
      )}
    </Group>
  );
}
