import { Badge, Button, Card, Divider, Group, Image, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SpaceComment, SpacePost } from '../../api/types';
import { useFormat } from '../../app/format';
import { ErrorAlert } from '../../components/api-error';
import { ConfirmModal } from '../../components/confirm-modal';
import { Composer } from './composer';
import { LinkedText } from './linked-text';
import { spaceApi, spaceOf, useAllComments, useSpaceMutation } from './space.api';

/** Who wrote it, when, and whether it was edited. */
function Byline({ name, createdAt, editedAt }: { name: string; createdAt: string; editedAt: string | null }) {
  const { t } = useTranslation();
  const { dateTime } = useFormat();
  return (
    <Text size="xs" c="dimmed">
      <Text span fw={600} c="dark" size="sm">
        {name}
      </Text>{' '}
      · {dateTime(createdAt)}
      {editedAt ? ` · ${t('space.edited')}` : ''}
    </Text>
  );
}

function CommentItem({ post, comment }: { post: SpacePost; comment: SpaceComment }) {
  const { t } = useTranslation();
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const space = spaceOf(post);
  const update = useSpaceMutation(space, (body: string) => spaceApi.updateComment(space, post.id, comment.id, body));
  const remove = useSpaceMutation(space, () => spaceApi.removeComment(space, post.id, comment.id));
  return (
    <Stack gap={4} component="li" pl="md" style={{ borderLeft: '2px solid var(--mantine-color-gray-3)', listStyle: 'none' }}>
      <Byline name={comment.author.name} createdAt={comment.createdAt} editedAt={comment.editedAt} />
      {editing ? (
        <Composer
          label={t('space.editComment')}
          submitLabel={t('space.save')}
          initial={comment.body}
          onSubmit={async (body) => {
            await update.mutateAsync(body);
            setEditing(false);
          }}
          onCancel={() => setEditing(false)}
        />
      ) : (
        <LinkedText text={comment.body} />
      )}
      {!editing && (comment.canEdit || comment.canDelete) && (
        <Group gap="xs">
          {comment.canEdit && (
            <Button size="compact-xs" variant="subtle" onClick={() => setEditing(true)}>
              {t('space.edit')}
            </Button>
          )}
          {comment.canDelete && (
            <Button size="compact-xs" variant="subtle" color="red" onClick={() => setDeleting(true)}>
              {t('space.delete')}
            </Button>
          )}
        </Group>
      )}
      <ConfirmModal
        opened={deleting}
        onClose={() => setDeleting(false)}
        onConfirm={() => remove.mutate(undefined, { onSuccess: () => setDeleting(false) })}
        title={t('space.deleteCommentTitle')}
        confirmLabel={t('space.delete')}
        loading={remove.isPending}
        error={remove.error}
      >
        <Text size="sm">{t('space.deleteText')}</Text>
      </ConfirmModal>
    </Stack>
  );
}

/** One post: its text, what the viewer may do with it, its comments and a box to comment. */
export function PostCard({ post, showGroup = false }: { post: SpacePost; showGroup?: boolean }) {
  const { t } = useTranslation();
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [allShown, setAllShown] = useState(false);
  const space = spaceOf(post);
  const all = useAllComments(space, post.id, allShown);
  const update = useSpaceMutation(space, (patch: { body?: string; pinned?: boolean }) => spaceApi.update(space, post.id, patch));
  const remove = useSpaceMutation(space, () => spaceApi.remove(space, post.id));
  const comment = useSpaceMutation(space, (body: string) => spaceApi.comment(space, post.id, body));
  const comments = allShown && all.data ? all.data.items : post.recentComments;
  const hidden = post.commentCount - comments.length;

  return (
    <Card withBorder radius="md" p="md" component="article" aria-label={t('space.postBy', { name: post.author.name })}>
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start">
          <Stack gap={2}>
            {showGroup && (
              <Text size="xs" fw={600} c="violet">
                {post.groupName}
              </Text>
            )}
            <Byline name={post.author.name} createdAt={post.createdAt} editedAt={post.editedAt} />
          </Stack>
          {post.pinned && <Badge variant="light">{t('space.pinned')}</Badge>}
        </Group>
        {editing ? (
          <Composer
            label={t('space.editPost')}
            submitLabel={t('space.save')}
            initial={post.body}
            minRows={3}
            onSubmit={async (body) => {
              await update.mutateAsync({ body });
              setEditing(false);
            }}
            onCancel={() => setEditing(false)}
          />
        ) : (
          <LinkedText text={post.body} />
        )}
        {post.imageUrl && (
          <Image
            src={post.imageUrl}
            alt={t('space.imageAlt', { name: post.author.name })}
            radius="sm"
            fit="contain"
            mah={420}
            w="auto"
            maw="100%"
          />
        )}
        {!editing && (post.canEdit || post.canDelete || post.canPin) && (
          <Group gap="xs">
            {post.canEdit && (
              <Button size="compact-xs" variant="subtle" onClick={() => setEditing(true)}>
                {t('space.edit')}
              </Button>
            )}
            {post.canPin && (
              <Button size="compact-xs" variant="subtle" loading={update.isPending} onClick={() => update.mutate({ pinned: !post.pinned })}>
                {post.pinned ? t('space.unpin') : t('space.pin')}
              </Button>
            )}
            {post.canDelete && (
              <Button size="compact-xs" variant="subtle" color="red" onClick={() => setDeleting(true)}>
                {t('space.delete')}
              </Button>
            )}
          </Group>
        )}
        {update.error && !editing ? <ErrorAlert error={update.error} /> : null}
        <Divider />
        {comments.length > 0 && (
          <Stack gap="sm" component="ul" p={0} m={0} aria-label={t('space.comments')}>
            {comments.map((c) => (
              <CommentItem key={c.id} post={post} comment={c} />
            ))}
          </Stack>
        )}
        {hidden > 0 && !allShown && (
          <Button size="compact-sm" variant="subtle" onClick={() => setAllShown(true)} w="fit-content">
            {t('space.showAllComments', { count: post.commentCount })}
          </Button>
        )}
        <Composer
          label={t('space.commentLabel')}
          submitLabel={t('space.comment')}
          minRows={1}
          onSubmit={(body) => comment.mutateAsync(body)}
        />
      </Stack>
      <ConfirmModal
        opened={deleting}
        onClose={() => setDeleting(false)}
        onConfirm={() => remove.mutate(undefined, { onSuccess: () => setDeleting(false) })}
        title={t('space.deletePostTitle')}
        confirmLabel={t('space.delete')}
        loading={remove.isPending}
        error={remove.error}
      >
        <Text size="sm">{t('space.deleteText')}</Text>
      </ConfirmModal>
    </Card>
  );
}
