import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { FeedPage, SpaceComment, SpaceCommentPage, SpacePage, SpacePost } from '../../api/types';

const posts = (orgId: string, groupId: string) => `/api/v1/orgs/${orgId}/groups/${groupId}/posts`;
const spaceKey = (orgId: string, groupId: string) => ['orgs', orgId, 'space', groupId] as const;
export const feedKey = ['me', 'feed'] as const;
const PAGE = 20;

export const spaceApi = {
  list: (orgId: string, groupId: string, cursor?: string) => api.get<SpacePage>(posts(orgId, groupId), { query: { limit: PAGE, cursor } }),
  create: (orgId: string, groupId: string, body: string) => api.post<SpacePost>(posts(orgId, groupId), { body }),
  update: (orgId: string, groupId: string, postId: string, patch: { body?: string; pinned?: boolean }) =>
    api.patch<SpacePost>(`${posts(orgId, groupId)}/${postId}`, patch),
  remove: (orgId: string, groupId: string, postId: string) => api.delete<void>(`${posts(orgId, groupId)}/${postId}`),
  comments: (orgId: string, groupId: string, postId: string, cursor?: string) =>
    api.get<SpaceCommentPage>(`${posts(orgId, groupId)}/${postId}/comments`, { query: { limit: 50, cursor } }),
  comment: (orgId: string, groupId: string, postId: string, body: string) =>
    api.post<SpaceComment>(`${posts(orgId, groupId)}/${postId}/comments`, { body }),
  updateComment: (orgId: string, groupId: string, postId: string, commentId: string, body: string) =>
    api.patch<SpaceComment>(`${posts(orgId, groupId)}/${postId}/comments/${commentId}`, { body }),
  removeComment: (orgId: string, groupId: string, postId: string, commentId: string) =>
    api.delete<void>(`${posts(orgId, groupId)}/${postId}/comments/${commentId}`),
  feed: (orgId: string | undefined, cursor?: string) => api.get<FeedPage>('/api/v1/me/feed', { query: { limit: PAGE, orgId, cursor } }),
};

/** A group's posts, page after page ("load more"). */
export function useSpace(orgId: string, groupId: string) {
  return useInfiniteQuery({
    queryKey: spaceKey(orgId, groupId),
    queryFn: ({ pageParam }) => spaceApi.list(orgId, groupId, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/** The learner's feed: recent posts of their groups. */
export function useFeed(orgId?: string) {
  return useInfiniteQuery({
    queryKey: [...feedKey, orgId ?? 'all'],
    queryFn: ({ pageParam }) => spaceApi.feed(orgId, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/** All the comments of a post, once the reader asks for them. */
export function useAllComments(orgId: string, groupId: string, postId: string, enabled: boolean) {
  return useQuery({
    queryKey: [...spaceKey(orgId, groupId), postId, 'comments'],
    queryFn: () => spaceApi.comments(orgId, groupId, postId),
    enabled,
  });
}

/** Any change in a space refreshes that space, its comments and the feed. */
export function useSpaceMutation<V>(orgId: string, groupId: string, fn: (v: V) => Promise<unknown>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: spaceKey(orgId, groupId) }),
        queryClient.invalidateQueries({ queryKey: feedKey }),
      ]);
    },
  });
}
