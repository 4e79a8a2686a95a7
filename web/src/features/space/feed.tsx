import { Button, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/api-error';
import { ListSkeleton } from '../../components/table-states';
import { PostCard } from './post-card';
import { useFeed } from './space.api';

/** The learner's feed: the newest posts of all their groups, with their last comments. */
export function Feed() {
  const { t } = useTranslation();
  const feed = useFeed();
  return (
    <Stack gap="sm" component="section" aria-labelledby="feed-title">
      <Title order={2} id="feed-title">
        {t('space.feed')}
      </Title>
      {feed.isPending ? (
        <ListSkeleton rows={2} />
      ) : feed.isError ? (
        <ErrorAlert error={feed.error} />
      ) : (
        <>
          {feed.data.pages[0]?.items.length === 0 && (
            <Text size="sm" fs="italic">
              {t('space.feedEmpty')}
            </Text>
          )}
          {feed.data.pages
            .flatMap((p) => p.items)
            .map((p) => (
              <PostCard key={p.id} post={p} showGroup />
            ))}
          {feed.hasNextPage && (
            <Button variant="default" onClick={() => feed.fetchNextPage()} loading={feed.isFetchingNextPage} w="fit-content">
              {t('space.loadMore')}
            </Button>
          )}
        </>
      )}
    </Stack>
  );
}
