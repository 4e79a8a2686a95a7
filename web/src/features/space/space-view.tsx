import { Button, Card, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/api-error';
import { notify } from '../../components/notify';
import { ListSkeleton } from '../../components/table-states';
import { Composer } from './composer';
import { PostCard } from './post-card';
import { spaceApi, useSpace, useSpaceMutation } from './space.api';

/** A group's space: a box to post, then the posts (pinned first), page after page. */
export function SpaceView({ orgId, groupId }: { orgId: string; groupId: string }) {
  const { t } = useTranslation();
  const space = useSpace(orgId, groupId);
  const create = useSpaceMutation(orgId, groupId, (body: string) => spaceApi.create(orgId, groupId, body));
  if (space.isPending) return <ListSkeleton rows={4} />;
  if (space.isError) return <ErrorAlert error={space.error} />;
  const posts = space.data.pages.flatMap((p) => p.items);
  const canPost = space.data.pages[0]?.canPost ?? false;
  return (
    <Stack gap="md">
      {canPost && (
        <Card withBorder radius="md" p="md">
          <Composer
            label={t('space.newPost')}
            submitLabel={t('space.post')}
            minRows={3}
            onSubmit={async (body) => {
              await create.mutateAsync(body);
              notify.success(t('space.posted'));
            }}
          />
        </Card>
      )}
      {posts.length === 0 ? (
        <Text size="sm" fs="italic">
          {t('space.empty')}
        </Text>
      ) : (
        posts.map((p) => <PostCard key={p.id} post={p} />)
      )}
      {space.hasNextPage && (
        <Button variant="default" onClick={() => space.fetchNextPage()} loading={space.isFetchingNextPage} w="fit-content">
          {t('space.loadMore')}
        </Button>
      )}
    </Stack>
  );
}
