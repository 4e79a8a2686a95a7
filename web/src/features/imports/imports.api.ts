import { keepPreviousData, type QueryClient, useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, request } from '../../api/client';
import { allOf, type ApiBody, type ApiItem, type ApiQuery, type ApiResponse } from '../../api/types';

// Shapes of server/src/modules/imports/imports.schemas.ts, through the generated types.

export type Import = ApiResponse<'/api/v1/orgs/{orgId}/imports/{importId}'>;
export type ImportStatus = Import['status'];
export const IMPORT_STATUSES = allOf<ImportStatus>()(['preview', 'approved', 'running', 'done', 'rejected', 'failed']);
export type ImportMode = Import['mode'];
export type ImportCounts = Import['counts'];
export type ImportResult = NonNullable<Import['result']>;
export type UnknownGroup = Import['unknownGroups'][number];
export type ImportRow = ApiItem<'/api/v1/orgs/{orgId}/imports/{importId}/rows'>;
export type Outcome = ImportRow['outcome'];
export const OUTCOMES = allOf<Outcome>()(['valid', 'invalid', 'duplicate', 'conflict']);
export type RowResult = NonNullable<ImportRow['result']>;
export type RowMessage = ImportRow['messages'][number];
export type Preview = ApiResponse<'/api/v1/orgs/{orgId}/imports', 'post'>;
export type ApproveBody = NonNullable<ApiBody<'/api/v1/orgs/{orgId}/imports/{importId}/approve', 'post'>>;
/** The route reads a multipart file or this JSON body itself, so the document does not describe it. */
type PasteBody = { text: string; mode: ImportMode; createMissingGroups: boolean } & SyncChoice;
/** Issue 15: add only, add and update, or sync, with the choices that go with them. */
export type SyncMode = Import['syncMode'];
export type SyncChoice = {
  syncMode?: SyncMode;
  blankCells?: 'keep' | 'clear';
  syncScope?: { groupIds: string[] };
  archiveThresholdPercent?: number;
};
export type ToArchive = ApiItem<'/api/v1/orgs/{orgId}/imports/{importId}/to-archive'>;

/** The columns the server recognises (parse/headers.ts FIELDS). */
export const FIELDS = ['email', 'firstName', 'lastName', 'groups', 'role', 'location', 'externalId'] as const;

/** Server limits (preview.service.ts IMPORT_LIMITS). */
export const MAX_BYTES = 50 * 1024 * 1024;

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
  list: (orgId: string, query: { limit: number; cursor?: string }) =>
    api.get<ApiResponse<'/api/v1/orgs/{orgId}/imports'>>(base(orgId), { query }),
  get: (orgId: string, importId: string) => api.get<Import>(`${base(orgId)}/${importId}`),
  rows: (orgId: string, importId: string, query: ApiQuery<'/api/v1/orgs/{orgId}/imports/{importId}/rows'>) =>
    api.get<ApiResponse<'/api/v1/orgs/{orgId}/imports/{importId}/rows'>>(`${base(orgId)}/${importId}/rows`, { query }),
  /** The options go before the file part, so the server reads them first. */
  upload: (orgId: string, file: File, mode: ImportMode, createMissingGroups: boolean, sync: SyncChoice = {}) => {
    const form = new FormData();
    form.append('mode', mode);
    form.append('createMissingGroups', String(createMissingGroups));
    if (sync.syncMode) form.append('syncMode', sync.syncMode);
    if (sync.blankCells) form.append('blankCells', sync.blankCells);
    if (sync.syncScope?.groupIds.length) form.append('syncScope', sync.syncScope.groupIds.join(','));
    if (sync.archiveThresholdPercent !== undefined) form.append('archiveThresholdPercent', String(sync.archiveThresholdPercent));
    form.append('file', file, file.name);
    return request<Preview>('POST', base(orgId), { body: form });
  },
  paste: (orgId: string, body: PasteBody) => api.post<Preview>(base(orgId), body),
  approve: (orgId: string, importId: string, body: ApproveBody) => api.post<Import>(`${base(orgId)}/${importId}/approve`, body),
  reject: (orgId: string, importId: string) => api.post<Import>(`${base(orgId)}/${importId}/reject`),
  toArchive: (orgId: string, importId: string, query: { limit: number; cursor?: string }) =>
    api.get<ApiResponse<'/api/v1/orgs/{orgId}/imports/{importId}/to-archive'>>(`${base(orgId)}/${importId}/to-archive`, { query }),
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
