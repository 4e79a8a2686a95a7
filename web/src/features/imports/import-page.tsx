import { Anchor, Group, Stack, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ErrorAlert } from '../../components/api-error';
import { notify } from '../../components/notify';
import { PageHeader } from '../../components/page-header';
import { ListSkeleton } from '../../components/table-states';
import { usePermissions } from '../orgs/orgs.api';
import { type Import, type ImportStatus, importUrls, isWorking, useImport } from './imports.api';
import { ImportDone, ImportProgress, ImportStopped } from './import-progress';
import { ApproveCard, ImportColumns, ImportCounts, UnknownGroups } from './import-review';
import { SyncPreview } from './import-sync';
import { ImportRows } from './import-rows';
import { ImportStatusBadge } from './import-ui';
import { useImportFormat } from './import-words';

/** One import: its preview to approve or reject, then its progress, then its result. Everything comes from the server. */
export function ImportPage() {
  const { t } = useTranslation();
  const { orgId = '', importId = '' } = useParams();
  const canManage = usePermissions(orgId).can('imports.manage');
  const query = useImport(orgId, importId);
  const imp = query.data;
  useAfterRun(orgId, imp);

  const title = imp
    ? imp.source === 'file' && imp.fileName
      ? t('imports.page.titleFile', { name: imp.fileName })
      : t('imports.page.titlePaste')
    : t('imports.page.title');

  return (
    <Stack gap="lg">
      <PageHeader
        above={
          <Anchor component={Link} to={`/orgs/${orgId}/imports`} size="sm">
            {t('imports.page.back')}
          </Anchor>
        }
        title={title}
        description={imp ? <ImportMeta orgId={orgId} imp={imp} /> : undefined}
        actions={imp ? <ImportStatusBadge status={imp.status} /> : undefined}
      />
      {query.isPending ? (
        <ListSkeleton rows={6} />
      ) : query.isError ? (
        <ErrorAlert error={query.error} />
      ) : imp ? (
        <ImportBody orgId={orgId} imp={imp} canManage={canManage} />
      ) : null}
    </Stack>
  );
}

function ImportMeta({ orgId, imp }: { orgId: string; imp: Import }) {
  const { t } = useTranslation();
  const { dateTime, size } = useImportFormat();
  const who = imp.createdBy.name ?? imp.createdBy.email ?? t('imports.history.someone');
  return (
    <Group gap="xs" component="span" wrap="wrap">
      <Text span size="sm" c="dimmed">
        {t('imports.page.meta', { mode: t(`imports.mode.${imp.mode}Short`), who, date: dateTime(imp.createdAt) })}
      </Text>
      {imp.source === 'file' && imp.fileName && (
        <Anchor href={importUrls.file(orgId, imp.id)} download={imp.fileName} size="sm">
          {t('imports.page.downloadFile', { size: size(imp.fileSize) })}
        </Anchor>
      )}
    </Group>
  );
}

function ImportBody({ orgId, imp, canManage }: { orgId: string; imp: Import; canManage: boolean }) {
  const [createGroups, setCreateGroups] = useState(Boolean(imp.options.createMissingGroups));
  if (imp.status === 'preview') {
    return (
      <Stack gap="lg">
        <ImportCounts imp={imp} />
        <SyncPreview orgId={orgId} imp={imp} />
        <ImportColumns imp={imp} />
        <UnknownGroups imp={imp} createGroups={createGroups} onChange={setCreateGroups} disabled={!canManage} />
        <ApproveCard orgId={orgId} imp={imp} createGroups={createGroups} canManage={canManage} />
        <ImportRows key={imp.status} orgId={orgId} imp={imp} />
      </Stack>
    );
  }
  return (
    <Stack gap="lg">
      {isWorking(imp.status) && <ImportProgress imp={imp} />}
      {imp.status === 'done' && <ImportDone orgId={orgId} imp={imp} />}
      {(imp.status === 'rejected' || imp.status === 'failed') && <ImportStopped imp={imp} />}
      <ImportCounts imp={imp} />
      <ImportRows key={imp.status} orgId={orgId} imp={imp} />
    </Stack>
  );
}

/**
 * When a run this page watched ends: lists that show people, groups and imports are refreshed,
 * and a toast says what happened, with the numbers.
 */
function useAfterRun(orgId: string, imp: Import | undefined) {
  const { t } = useTranslation();
  const { number } = useImportFormat();
  const client = useQueryClient();
  const previous = useRef<ImportStatus | undefined>(undefined);
  const status = imp?.status;
  // biome-ignore lint/correctness/useExhaustiveDependencies: only the change of status matters
  useEffect(() => {
    const was = previous.current;
    previous.current = status;
    if (!imp || !isWorking(was) || isWorking(status)) return;
    for (const list of ['members', 'groups', 'invitations', 'imports']) {
      void client.invalidateQueries({ queryKey: ['orgs', orgId, list] });
    }
    if (status === 'done') {
      const r = imp.result ?? {};
      const done = imp.mode === 'invite' ? (r.invited ?? 0) : (r.created ?? 0);
      notify.success(
        t(imp.mode === 'invite' ? 'imports.result.toastInvite' : 'imports.result.toastCreate', {
          count: done,
          n: number(done),
          skipped: t('imports.result.skippedShort', { count: r.skipped ?? 0, n: number(r.skipped ?? 0) }),
        }),
      );
    } else if (status === 'failed') notify.error(t('imports.failed.title'));
  }, [status]);
}
