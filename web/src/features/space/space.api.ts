import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, request } from '../../api/client';
import type { FeedPage, SpaceComment, SpaceCommentPage, SpacePage, SpacePost } from '../../api/types';

/** A space: a group's, or a program session's discussion. */
export type SpaceRef = { orgId: string; kind: 'group' | 'session'; id: string };
export type NotifyMode = 'every' | 'daily' | 'none';

const posts = (s: SpaceRef) => `/api/v1/orgs/${s.orgId}/${s.kind === 'group' ? 'groups' : 'sessions'}/${s.id}/posts`;
const spaceKey = (s: SpaceRef) => ['orgs', s.orgId, 'space', s.kind, s.id] as const;
export const feedKey = ['me', 'feed'] as const;
const PAGE = 20;

/** The space a post belongs to. */
export const spaceOf = (p: SpacePost): SpaceRef =>
  p.sessionId ? { orgId: p.orgId, kind: 'session', id: p.sessionId } : { orgId: p.orgId, kind: 'group', id: p.groupId ?? '' };

export const spaceApi = {
  list: (s: SpaceRef, cursor?: string) => api.get<SpacePage>(posts(s), { query: { limit: PAGE, cursor } }),
  /** A post; with an image it goes as multipart/form-data (`body` field, `image` file). */
  create: (s: SpaceRef, body: string, image?: File | null) => {
    if (!image) return api.post<SpacePost>(posts(s), { body });
    const form = new FormData();
    form.append('body', body);
    form.append('image', image, image.name);
    return request<SpacePost>('POST', posts(s), { body: form });
  },
  update: (s: SpaceRef, postId: string, patch: { body?: string; pinned?: boolean }) => api.patch<SpacePost>(`${posts(s)}/${postId}`, patch),
  remove: (s: SpaceRef, postId: string) => api.delete<void>(`${posts(s)}/${postId}`),
  comments: (s: SpaceRef, postId: string, cursor?: string) =>
    api.get<SpaceCommentPage>(`${posts(s)}/${postId}/comments`, { query: { limit: 50, cursor } }),
  comment: (s: SpaceRef, postId: string, body: string) => api.post<SpaceComment>(`${posts(s)}/${postId}/comments`, { body }),
  updateComment: (s: SpaceRef, postId: string, commentId: string, body: string) =>
    api.patch<SpaceComment>(`${posts(s)}/${postId}/comments/${commentId}`, { body }),
  removeComment: (s: SpaceRef, postId: string, commentId: string) => api.delete<void>(`${posts(s)}/${postId}/comments/${commentId}`),
  setNotifyMode: (s: SpaceRef, mode: NotifyMode) =>
    api.put<{ mode: NotifyMode }>(`/api/v1/orgs/${s.orgId}/groups/${s.id}/space-notifications`, { mode }),
  feed: (orgId: string | undefined, cursor?: string) => api.get<FeedPage>('/api/v1/me/feed', { query: { limit: PAGE, orgId, cursor } }),
};

/** A space's posts, page after page ("load more"). */
export function useSpace(s: SpaceRef) {
  return useInfiniteQuery({
    queryKey: spaceKey(s),
    queryFn: ({ pageParam }) => spaceApi.list(s, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/** The learner's feed: recent posts of their groups and sessions. */
export function useFeed(orgId?: string) {
  return useInfiniteQuery({
    queryKey: [...feedKey, orgId ?? 'all'],
    queryFn: ({ pageParam }) => spaceApi.feed(orgId, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/** All the comments of a post, once the reader asks for them. */
export function useAllComments(s: SpaceRef, postId: string, enabled: boolean) {
  return useQuery({
    queryKey: [...spaceKey(s), postId, 'comments'],
    queryFn: () => spaceApi.comments(s, postId),
    enabled,
  });
}

/** Any change in a space refreshes that space, its comments and the feed. */
export function useSpaceMutation<V>(s: SpaceRef, fn: (v: V) => Promise<unknown>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: async () => {
      await Promise.all([queryClient.invalidateQueries({ queryKey: spaceKey(s) }), queryClient.invalidateQueries({ queryKey: feedKey })]);
    },
  });
}
