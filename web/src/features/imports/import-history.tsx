import { Anchor, Card, EmptyState, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ErrorAlert } from '../../components/api-error';
import { ListSkeleton, LoadMore } from '../../components/table-states';
import { type Import, importUrls, isWorking, useImports } from './imports.api';
import { ImportStatusBadge } from './import-ui';
import { useImportFormat } from './import-words';

/** Who imported what, when, in which mode, and how it ended. */
export function ImportHistory({ orgId, canManage }: { orgId: string; canManage: boolean }) {
  const { t } = useTranslation();
  const titleId = useId();
  const history = useImports(orgId, canManage);
  const items = history.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <Stack gap="sm" component="section" aria-labelledby={titleId}>
      <Title order={2} fz="h3" id={titleId}>
        {t('imports.history.title')}
      </Title>
      {!canManage ? (
        <Text size="sm" c="dimmed">
          {t('imports.history.notAllowed')}
        </Text>
      ) : history.isPending ? (
        <ListSkeleton rows={3} />
      ) : history.isError ? (
        <ErrorAlert error={history.error} />
      ) : items.length === 0 ? (
        <Card withBorder radius="md" p="xl">
          <EmptyState>
            <EmptyState.Title order={3}>{t('imports.empty.title')}</EmptyState.Title>
            <EmptyState.Description>{t('imports.history.emptyText')}</EmptyState.Description>
          </EmptyState>
        </Card>
      ) : (
        <>
          <Table.ScrollContainer minWidth={960}>
            <Table highlightOnHover aria-labelledby={titleId} verticalSpacing="sm">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('imports.history.when')}</Table.Th>
                  <Table.Th scope="col">{t('imports.history.who')}</Table.Th>
                  <Table.Th scope="col">{t('imports.history.file')}</Table.Th>
                  <Table.Th scope="col">{t('imports.history.mode')}</Table.Th>
                  <Table.Th scope="col">{t('imports.history.rows')}</Table.Th>
                  <Table.Th scope="col">{t('imports.history.status')}</Table.Th>
                  <Table.Th scope="col">{t('imports.history.outcome')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((imp) => (
                  <HistoryRow key={imp.id} orgId={orgId} imp={imp} />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <LoadMore query={history} />
        </>
      )}
    </Stack>
  );
}

function HistoryRow({ orgId, imp }: { orgId: string; imp: Import }) {
  const { t } = useTranslation();
  const { dateTime, number, size } = useImportFormat();
  const outcome = useOutcomeText();
  const who = imp.createdBy.name ?? imp.createdBy.email ?? t('imports.history.someone');
  const problems = imp.counts.invalid;
  return (
    <Table.Tr>
      <Table.Td>
        <Anchor
          component={Link}
          to={`/orgs/${orgId}/imports/${imp.id}`}
          aria-label={t('imports.history.open', { date: dateTime(imp.createdAt) })}
        >
          <time dateTime={imp.createdAt}>{dateTime(imp.createdAt)}</time>
        </Anchor>
      </Table.Td>
      <Table.Td>{who}</Table.Td>
      <Table.Td>
        {imp.source === 'file' && imp.fileName ? (
          <Stack gap={0}>
            <Anchor
              href={importUrls.file(orgId, imp.id)}
              download={imp.fileName}
              style={{ overflowWrap: 'break-word', wordBreak: 'break-word' }}
              aria-label={t('imports.history.downloadFile', { name: imp.fileName })}
            >
              {imp.fileName}
            </Anchor>
            <Text size="xs" c="dimmed">
              {size(imp.fileSize)}
            </Text>
          </Stack>
        ) : (
          <Text size="sm" fs="italic">
            {t('imports.pasted')}
          </Text>
        )}
      </Table.Td>
      <Table.Td>{t(`imports.mode.${imp.mode}Short`)}</Table.Td>
      <Table.Td>
        <Stack gap={0}>
          <Text size="sm">{t('imports.history.rowCount', { count: imp.counts.rows, n: number(imp.counts.rows) })}</Text>
          {(problems > 0 || imp.counts.duplicate > 0) && (
            <Text size="xs" c="dimmed">
              {[
                problems > 0 ? t('imports.history.problems', { count: problems, n: number(problems) }) : null,
                imp.counts.duplicate > 0
                  ? t('imports.history.repeats', { count: imp.counts.duplicate, n: number(imp.counts.duplicate) })
                  : null,
              ]
                .filter(Boolean)
                .join(' · ')}
            </Text>
          )}
        </Stack>
      </Table.Td>
      <Table.Td>
        <ImportStatusBadge status={imp.status} />
      </Table.Td>
      <Table.Td>
        <Group gap={4}>
          <Text size="sm">{outcome(imp)}</Text>
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}

/** One line saying how an import ended (or where it stands). */
export function useOutcomeText() {
  const { t } = useTranslation();
  const { number, percent } = useImportFormat();
  return (imp: Import): string => {
    if (isWorking(imp.status)) return t('imports.history.running', { percent: percent(imp.progress) });
    if (imp.status === 'preview') return t('imports.history.waiting');
    if (imp.status === 'rejected') return t('imports.history.nothingApplied');
    if (imp.status === 'failed') return t('imports.history.failed');
    const r = imp.result ?? {};
    const parts = [
      r.invited ? t('imports.result.invitedShort', { count: r.invited, n: number(r.invited) }) : null,
      r.created ? t('imports.result.createdShort', { count: r.created, n: number(r.created) }) : null,
      r.addedToGroups ? t('imports.result.addedShort', { count: r.addedToGroups, n: number(r.addedToGroups) }) : null,
      r.alreadyThere ? t('imports.result.alreadyThereShort', { count: r.alreadyThere, n: number(r.alreadyThere) }) : null,
      r.skipped ? t('imports.result.skippedShort', { count: r.skipped, n: number(r.skipped) }) : null,
    ].filter(Boolean);
    return parts.length > 0 ? parts.join(' · ') : t('imports.result.nothing');
  };
}
