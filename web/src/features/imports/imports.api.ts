import { keepPreviousData, type QueryClient, useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, request } from '../../api/client';
import type { Page } from '../../api/types';

// Shapes of server/src/modules/imports/imports.schemas.ts.

export const IMPORT_STATUSES = ['preview', 'approved', 'running', 'done', 'rejected', 'failed'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];
export const OUTCOMES = ['valid', 'invalid', 'duplicate', 'conflict'] as const;
export type Outcome = (typeof OUTCOMES)[number];
export type RowResult = 'created' | 'invited' | 'added_to_groups' | 'already_there' | 'skipped';
export type ImportMode = 'invite' | 'create';

/** The columns the server recognises (parse/headers.ts FIELDS). */
export const FIELDS = ['email', 'firstName', 'lastName', 'groups', 'role', 'location', 'externalId'] as const;

/** Server limits (preview.service.ts IMPORT_LIMITS). */
export const MAX_BYTES = 50 * 1024 * 1024;

export type RowMessage = {
  field: string;
  code: string;
  level: 'error' | 'info';
  value?: string;
  lines?: number[];
  suggestion?: string | null;
};

export type ImportRow = {
  line: number;
  email: string;
  firstName: string;
  lastName: string;
  groups: string[];
  role: string | null;
  location: string;
  externalId: string;
  outcome: Outcome;
  alreadyMember: boolean;
  messages: RowMessage[];
  result: RowResult | null;
  resultReason: string | null;
};

export type ImportCounts = {
  rows: number;
  valid: number;
  /** Rows with a problem, conflicts included. */
  invalid: number;
  duplicate: number;
  conflict: number;
  alreadyMembers: number;
  alreadyInvited: number;
};

export type ImportResult = {
  created?: number;
  invited?: number;
  addedToGroups?: number;
  alreadyThere?: number;
  skipped?: number;
  rows?: number;
};

export type UnknownGroup = { name: string; rows: number; suggestion: string | null };

export type Import = {
  id: string;
  status: ImportStatus;
  mode: ImportMode;
  source: 'file' | 'paste';
  fileName: string | null;
  fileSize: number | null;
  counts: ImportCounts;
  unknownGroups: UnknownGroup[];
  columns: { matched: Record<string, number>; ignored: string[]; duplicates: string[] };
  options: { createMissingGroups?: boolean; sendAt?: string | null; sendWelcome?: boolean };
  progress: number;
  /** Not sent yet: rows applied so far (see the report). Estimated from `progress` when absent. */
  rowsDone?: number;
  result: ImportResult | null;
  error: string | null;
  createdBy: { id: string | null; name: string | null; email: string | null };
  createdAt: string;
  approvedAt: string | null;
  finishedAt: string | null;
};

export type Preview = Import & { rows: ImportRow[] };

export type ApproveBody = { sendAt?: string; createMissingGroups?: boolean; sendWelcome?: boolean };

export const isWorking = (status: ImportStatus | undefined) => status === 'approved' || status === 'running';

const root = (orgId: string) => ['orgs', orgId, 'imports'] as const;
const importKey = (orgId: string, importId: string) => [...root(orgId), importId] as const;
export const importDetailKey = (orgId: string, importId: string) => [...importKey(orgId, importId), 'detail'] as const;
export const base = (orgId: string) => `/api/v1/orgs/${orgId}/imports`;

export const importUrls = {
  templateCsv: (orgId: string) => `${base(orgId)}/template.csv`,
  templateXlsx: (orgId: string) => `${base(orgId)}/template.xlsx`,
  file: (orgId: string, importId: string) => `${base(orgId)}/${importId}/file`,
  results: (orgId: string, importId: string) => `${base(orgId)}/${importId}/results.csv`,
};

export const importsApi = {
  list: (orgId: string, query: { limit: number; cursor?: string }) => api.get<Page<Import>>(base(orgId), { query }),
  get: (orgId: string, importId: string) => api.get<Import>(`${base(orgId)}/${importId}`),
  rows: (orgId: string, importId: string, query: { outcome?: Outcome; result?: RowResult; limit: number; cursor?: string }) =>
    api.get<Page<ImportRow>>(`${base(orgId)}/${importId}/rows`, { query }),
  /** The options go before the file part, so the server reads them first. */
  upload: (orgId: string, file: File, mode: ImportMode, createMissingGroups: boolean) => {
    const form = new FormData();
    form.append('mode', mode);
    form.append('createMissingGroups', String(createMissingGroups));
    form.append('file', file, file.name);
    return request<Preview>('POST', base(orgId), { body: form });
  },
  paste: (orgId: string, body: { text: string; mode: ImportMode; createMissingGroups: boolean }) => api.post<Preview>(base(orgId), body),
  approve: (orgId: string, importId: string, body: ApproveBody) => api.post<Import>(`${base(orgId)}/${importId}/approve`, body),
  reject: (orgId: string, importId: string) => api.post<Import>(`${base(orgId)}/${importId}/reject`),
};

/** The history, newest first. */
export function useImports(orgId: string, enabled: boolean) {
  return useInfiniteQuery({
    queryKey: [...root(orgId), 'list'],
    enabled,
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => importsApi.list(orgId, { limit: 20, cursor: pageParam }),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // While one import runs, its row in the history moves too.
    refetchInterval: (query) => (query.state.data?.pages.some((p) => p.items.some((i) => isWorking(i.status))) ? 2000 : false),
  });
}

/** One import; asked again every second while it runs, so a reload picks the progress up from the server. */
export function useImport(orgId: string, importId: string) {
  return useQuery({
    queryKey: importDetailKey(orgId, importId),
    queryFn: () => importsApi.get(orgId, importId),
    refetchInterval: (query) => (isWorking(query.state.data?.status) ? 1000 : false),
    refetchIntervalInBackground: true,
  });
}

export const ROWS_PAGE = 50;

export type RowFilter = { outcome?: Outcome; result?: RowResult };

export function useImportRows(orgId: string, importId: string, filter: RowFilter, version: string) {
  const name = filter.outcome ? `outcome:${filter.outcome}` : filter.result ? `result:${filter.result}` : 'all';
  return useInfiniteQuery({
    queryKey: [...importKey(orgId, importId), 'rows', name, version],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => importsApi.rows(orgId, importId, { ...filter, limit: ROWS_PAGE, cursor: pageParam }),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

/** Puts a fresh preview in the cache, so its page opens without asking again. */
export function rememberPreview(client: QueryClient, orgId: string, preview: Preview) {
  const { rows, ...imp } = preview;
  client.setQueryData(importDetailKey(orgId, preview.id), imp);
  // The answer holds the first 100 rows without a cursor: only a table that fits in one page can be reused.
  if (preview.counts.rows <= ROWS_PAGE && rows.length === preview.counts.rows) {
    client.setQueryData([...importKey(orgId, preview.id), 'rows', 'all', imp.status], {
      pages: [{ items: rows, nextCursor: null }],
      pageParams: [undefined],
    });
  }
  void client.invalidateQueries({ queryKey: [...root(orgId), 'list'] });
}

export function useInvalidateImports(orgId: string) {
  const client = useQueryClient();
  return () => client.invalidateQueries({ queryKey: root(orgId) });
}
