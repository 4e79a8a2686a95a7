import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, fetchAll } from '../../api/client';
import type { ApiBody, ApiQuery, ApiResponse, Group, GroupDetail } from '../../api/types';

export const groupsRoot = (orgId: string) => ['orgs', orgId, 'groups'] as const;
const groupKey = (orgId: string, groupId: string) => [...groupsRoot(orgId), groupId] as const;
const base = (orgId: string) => `/api/v1/orgs/${orgId}/groups`;

export type GroupInput = ApiBody<'/api/v1/orgs/{orgId}/groups/{groupId}', 'patch'>;
type ListQuery = { limit: number; cursor?: string };

export type ImageKind = 'logo' | 'background';

/** What observers follow: the group's people (sub-groups included) and their progress per session. */
export type GroupStats = ApiResponse<'/api/v1/orgs/{orgId}/groups/{groupId}/stats'>;

export const groupsApi = {
  all: (orgId: string) => fetchAll<Group>(base(orgId)),
  get: (orgId: string, groupId: string) => api.get<GroupDetail>(`${base(orgId)}/${groupId}`),
  create: (orgId: string, body: ApiBody<'/api/v1/orgs/{orgId}/groups', 'post'>) => api.post<GroupDetail>(base(orgId), body),
  update: (orgId: string, groupId: string, body: GroupInput) => api.patch<GroupDetail>(`${base(orgId)}/${groupId}`, body),
  remove: (orgId: string, groupId: string, withSubgroups: boolean) =>
    api.delete<void>(`${base(orgId)}/${groupId}`, { query: { withSubgroups: withSubgroups ? 'true' : undefined } }),
  members: (orgId: string, groupId: string, query: ApiQuery<'/api/v1/orgs/{orgId}/groups/{groupId}/members'>) =>
    api.get<ApiResponse<'/api/v1/orgs/{orgId}/groups/{groupId}/members'>>(`${base(orgId)}/${groupId}/members`, { query }),
  addMembers: (orgId: string, groupId: string, accountIds: string[]) =>
    api.post<ApiResponse<'/api/v1/orgs/{orgId}/groups/{groupId}/members', 'post'>>(`${base(orgId)}/${groupId}/members`, { accountIds }),
  removeMember: (orgId: string, groupId: string, accountId: string) => api.delete<void>(`${base(orgId)}/${groupId}/members/${accountId}`),
  observers: (orgId: string, groupId: string, query: ListQuery) =>
    api.get<ApiResponse<'/api/v1/orgs/{orgId}/groups/{groupId}/observers'>>(`${base(orgId)}/${groupId}/observers`, { query }),
  addObservers: (orgId: string, groupId: string, accountIds: string[]) =>
    api.post<ApiResponse<'/api/v1/orgs/{orgId}/groups/{groupId}/observers', 'post'>>(`${base(orgId)}/${groupId}/observers`, { accountIds }),
  removeObserver: (orgId: string, groupId: string, accountId: string) =>
    api.delete<void>(`${base(orgId)}/${groupId}/observers/${accountId}`),
  assignments: (orgId: string, groupId: string, query: ListQuery) =>
    api.get<ApiResponse<'/api/v1/orgs/{orgId}/groups/{groupId}/assignments'>>(`${base(orgId)}/${groupId}/assignments`, { query }),
  attach: (orgId: string, groupId: string, sessionId: string) =>
    api.post<ApiResponse<'/api/v1/orgs/{orgId}/groups/{groupId}/assignments', 'post'>>(`${base(orgId)}/${groupId}/assignments`, {
      sessionId,
    }),
  detach: (orgId: string, groupId: string, sessionId: string) => api.delete<void>(`${base(orgId)}/${groupId}/assignments/${sessionId}`),
  stats: (orgId: string, groupId: string) => api.get<GroupStats>(`${base(orgId)}/${groupId}/stats`),
  uploadImage: (orgId: string, groupId: string, kind: ImageKind, file: File) =>
    api.upload<ApiResponse<'/api/v1/orgs/{orgId}/groups/{groupId}/logo', 'put'>>('PUT', `${base(orgId)}/${groupId}/${kind}`, file),
  removeImage: (orgId: string, groupId: string, kind: ImageKind) => api.delete<void>(`${base(orgId)}/${groupId}/${kind}`),
};

/** Every group of the organization (the tree is built in the browser). */
export function useAllGroups(orgId: string, enabled = true) {
  return useQuery({ queryKey: [...groupsRoot(orgId), 'all'], queryFn: () => groupsApi.all(orgId), enabled });
}

export function useGroup(orgId: string, groupId: string) {
  return useQuery({ queryKey: [...groupKey(orgId, groupId), 'detail'], queryFn: () => groupsApi.get(orgId, groupId) });
}

export function useGroupStats(orgId: string, groupId: string) {
  return useQuery({ queryKey: [...groupKey(orgId, groupId), 'stats'], queryFn: () => groupsApi.stats(orgId, groupId) });
}

export function useGroupMembers(orgId: string, groupId: string, q: string) {
  return useInfiniteQuery({
    queryKey: [...groupKey(orgId, groupId), 'members', q],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => groupsApi.members(orgId, groupId, { q: q || undefined, limit: 50, cursor: pageParam }),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

export function useGroupObservers(orgId: string, groupId: string) {
  return useInfiniteQuery({
    queryKey: [...groupKey(orgId, groupId), 'observers'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => groupsApi.observers(orgId, groupId, { limit: 100, cursor: pageParam }),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function useAssignments(orgId: string, groupId: string) {
  return useInfiniteQuery({
    queryKey: [...groupKey(orgId, groupId), 'assignments'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => groupsApi.assignments(orgId, groupId, { limit: 100, cursor: pageParam }),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/** Group changes touch counts in the tree, the group page and the learners list: refresh them all. */
export function useInvalidateGroups(orgId: string) {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: groupsRoot(orgId) }),
      queryClient.invalidateQueries({ queryKey: ['orgs', orgId, 'members'] }),
      queryClient.invalidateQueries({ queryKey: ['orgs', orgId, 'programs'] }),
      queryClient.invalidateQueries({ queryKey: ['orgs', orgId, 'enrolments'] }),
    ]);
}

export function useGroupMutation<TVars, TResult>(orgId: string, fn: (vars: TVars) => Promise<TResult>) {
  const invalidate = useInvalidateGroups(orgId);
  return useMutation({ mutationFn: fn, onSuccess: () => invalidate() });
}

// The tree

export type GroupNode = Group & { depth: number; children: GroupNode[]; ancestors: string[] };

/** Builds the tree from the flat list (sorted by name at each level); orphans become roots. */
export function buildTree(groups: Group[]): { roots: GroupNode[]; byId: Map<string, GroupNode> } {
  const byId = new Map<string, GroupNode>();
  for (const g of groups) byId.set(g.id, { ...g, depth: 0, children: [], ancestors: [] });
  const roots: GroupNode[] = [];
  for (const node of byId.values()) {
    const parent = node.parentId ? byId.get(node.parentId) : undefined;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  const byName = (a: GroupNode, b: GroupNode) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' });
  const walk = (nodes: GroupNode[], depth: number, ancestors: string[]) => {
    nodes.sort(byName);
    for (const n of nodes) {
      n.depth = depth;
      n.ancestors = ancestors;
      walk(n.children, depth + 1, [...ancestors, n.id]);
    }
  };
  walk(roots, 0, []);
  return { roots, byId };
}

/** Depth-first order, the way the tree is read. */
export function flatten(roots: GroupNode[]): GroupNode[] {
  const out: GroupNode[] = [];
  const visit = (n: GroupNode) => {
    out.push(n);
    for (const c of n.children) visit(c);
  };
  for (const r of roots) visit(r);
  return out;
}

/** A group and every group below it. */
export function subtreeIds(node: GroupNode): Set<string> {
  const ids = new Set<string>();
  const visit = (n: GroupNode) => {
    ids.add(n.id);
    for (const c of n.children) visit(c);
  };
  visit(node);
  return ids;
}

/** Options for a group select, indented by depth and named with their path for screen readers. */
export function groupOptions(groups: Group[], disabled: Set<string> = new Set()) {
  const { roots, byId } = buildTree(groups);
  return flatten(roots).map((n) => ({
    value: n.id,
    label: [...n.ancestors.map((id) => byId.get(id)?.name ?? ''), n.name].join(' › '),
    disabled: disabled.has(n.id),
  }));
}
