import { Button, Card, Select, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/api-error';
import { notify } from '../../components/notify';
import { ListSkeleton } from '../../components/table-states';
import { Composer } from './composer';
import { PostCard } from './post-card';
import { type NotifyMode, type SpaceRef, spaceApi, useSpace, useSpaceMutation } from './space.api';

/**
 * A space — a group's (`groupId`) or a program session's discussion (`sessionId`): a box to post, then
 * the posts (pinned first), page after page; an observer of the group chooses how to hear of it.
 */
export function SpaceView({ orgId, groupId, sessionId }: { orgId: string; groupId?: string; sessionId?: string }) {
  const { t } = useTranslation();
  const ref: SpaceRef = sessionId ? { orgId, kind: 'session', id: sessionId } : { orgId, kind: 'group', id: groupId ?? '' };
  const space = useSpace(ref);
  const create = useSpaceMutation(ref, (v: { body: string; image: File | null }) => spaceApi.create(ref, v.body, v.image));
  const notifyMode = useSpaceMutation(ref, (mode: NotifyMode) => spaceApi.setNotifyMode(ref, mode));
  if (space.isPending) return <ListSkeleton rows={4} />;
  if (space.isError) return <ErrorAlert error={space.error} />;
  const posts = space.data.pages.flatMap((p) => p.items);
  const first = space.data.pages[0];
  const canPost = first?.canPost ?? false;
  const mode = first?.notifyMode ?? null;
  return (
    <Stack gap="md">
      {mode !== null && (
        <Select
          label={t('space.notifyLabel')}
          description={t('space.notifyHelp')}
          data={(['every', 'daily', 'none'] as const).map((m) => ({ value: m, label: t(`space.notify.${m}`) }))}
          value={mode}
          allowDeselect={false}
          onChange={(v) => v && notifyMode.mutate(v as NotifyMode, { onSuccess: () => notify.success(t('space.notifySaved')) })}
          disabled={notifyMode.isPending}
          maw={420}
          error={notifyMode.error ? t('space.notifyFailed') : undefined}
        />
      )}
      {canPost && (
        <Card withBorder radius="md" p="md">
          <Composer
            label={sessionId ? t('space.newSessionPost') : t('space.newPost')}
            submitLabel={t('space.post')}
            minRows={3}
            withImage
            onSubmit={async (body, image) => {
              await create.mutateAsync({ body, image });
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
