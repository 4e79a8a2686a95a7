import { Card, EmptyState, Group, List, Stack, Table, Tabs, Text, Title } from '@mantine/core';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/api-error';
import { ListSkeleton, LoadMore } from '../../components/table-states';
import { type Import, type ImportRow, type Outcome, type RowFilter, type RowResult, useImportRows } from './imports.api';
import { OutcomeBadge } from './import-ui';
import { rowMessages, useImportFormat, useRoleName, useRowMessage } from './import-words';

/** Before the run, rows by what the check found; after it, by what the import did. */
type Filter = 'all' | `outcome:${Exclude<Outcome, 'valid'>}` | `result:${RowResult}`;

function toQuery(filter: Filter): RowFilter {
  const [kind, value] = filter.split(':');
  if (kind === 'outcome') return { outcome: value as Outcome };
  if (kind === 'result') return { result: value as RowResult };
  return {};
}

function filtersOf(imp: Import): { filters: Filter[]; counts: Partial<Record<Filter, number>> } {
  if (imp.status === 'done' && imp.result) {
    const r = imp.result;
    const done: Filter = imp.mode === 'invite' ? 'result:invited' : 'result:created';
    return {
      filters: ['all', done, 'result:added_to_groups', 'result:already_there', 'result:skipped'],
      counts: {
        all: imp.counts.rows,
        [done]: (imp.mode === 'invite' ? r.invited : r.created) ?? 0,
        'result:added_to_groups': r.addedToGroups ?? 0,
        'result:already_there': r.alreadyThere ?? 0,
        'result:skipped': r.skipped ?? 0,
      },
    };
  }
  return {
    filters: ['all', 'outcome:invalid', 'outcome:duplicate', 'outcome:conflict'],
    counts: {
      all: imp.counts.rows,
      // The preview counts conflicts among the rows with problems; the filter keeps them apart.
      'outcome:invalid': Math.max(0, imp.counts.invalid - imp.counts.conflict),
      'outcome:duplicate': imp.counts.duplicate,
      'outcome:conflict': imp.counts.conflict,
    },
  };
}

/** Every row of the file, page by page, with what the check (and, once applied, the import) did with it. */
export function ImportRows({ orgId, imp }: { orgId: string; imp: Import }) {
  const { t } = useTranslation();
  const { number } = useImportFormat();
  const titleId = useId();
  const { filters, counts } = filtersOf(imp);
  // A preview opens on its problems, so they are explained before anything is approved.
  const [filter, setFilter] = useState<Filter>(() =>
    imp.status !== 'preview'
      ? 'all'
      : (counts['outcome:invalid'] ?? 0) > 0
        ? 'outcome:invalid'
        : (counts['outcome:conflict'] ?? 0) > 0
          ? 'outcome:conflict'
          : 'all',
  );
  const rows = useImportRows(orgId, imp.id, toQuery(filter), imp.status);
  const items = rows.data?.pages.flatMap((p) => p.items) ?? [];
  const applied = imp.status === 'done';

  return (
    <Stack gap="sm" component="section" aria-labelledby={titleId}>
      <Title order={2} fz="h3" id={titleId}>
        {t('imports.rows.title')}
      </Title>
      <Tabs value={filter} onChange={(value) => setFilter((value as Filter | null) ?? 'all')}>
        <Tabs.List aria-label={t('imports.rows.filterLabel')}>
          {filters.map((f) => (
            <Tabs.Tab key={f} value={f}>
              <Group gap={6} wrap="nowrap">
                <span>{t(`imports.rows.filter.${f.replace(':', '_')}`)}</span>
                <Text span size="xs" fw={700} c="dimmed">
                  {number(counts[f] ?? 0)}
                </Text>
              </Group>
            </Tabs.Tab>
          ))}
        </Tabs.List>
      </Tabs>
      {rows.isPending ? (
        <ListSkeleton rows={4} />
      ) : rows.isError ? (
        <ErrorAlert error={rows.error} />
      ) : items.length === 0 ? (
        <Card withBorder radius="md" p="lg">
          <EmptyState>
            <EmptyState.Title order={3}>{t('imports.rows.noneTitle')}</EmptyState.Title>
            <EmptyState.Description>{t('imports.rows.noneText')}</EmptyState.Description>
          </EmptyState>
        </Card>
      ) : (
        <Table.ScrollContainer minWidth={1000}>
          <Table aria-labelledby={titleId} verticalSpacing="xs" style={{ opacity: rows.isPlaceholderData ? 0.6 : 1 }}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('imports.rows.line')}</Table.Th>
                <Table.Th scope="col">{t('imports.fields.email')}</Table.Th>
                <Table.Th scope="col">{t('imports.rows.name')}</Table.Th>
                <Table.Th scope="col">{t('imports.fields.groups')}</Table.Th>
                <Table.Th scope="col">{t('imports.fields.role')}</Table.Th>
                <Table.Th scope="col">{t('imports.fields.location')}</Table.Th>
                <Table.Th scope="col">{t('imports.rows.check')}</Table.Th>
                <Table.Th scope="col">{t('imports.rows.details')}</Table.Th>
                {applied && <Table.Th scope="col">{t('imports.rows.result')}</Table.Th>}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((row) => (
                <RowLine key={row.line} row={row} applied={applied} />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <LoadMore query={rows} shown={items.length} total={counts[filter]} />
    </Stack>
  );
}

function RowLine({ row, applied }: { row: ImportRow; applied: boolean }) {
  const { t } = useTranslation();
  const { number } = useImportFormat();
  const say = useRowMessage();
  const roleName = useRoleName();
  const messages = rowMessages(row);
  const name = [row.firstName, row.lastName].filter(Boolean).join(' ');
  return (
    <Table.Tr data-line={row.line}>
      <Table.Td>{number(row.line)}</Table.Td>
      <Table.Td style={{ overflowWrap: 'break-word', wordBreak: 'break-word', minWidth: 180 }}>
        {row.email || (
          <Text span size="sm" c="dimmed" fs="italic">
            {t('imports.rows.empty')}
          </Text>
        )}
      </Table.Td>
      <Table.Td>{name}</Table.Td>
      <Table.Td>{row.groups.join(', ')}</Table.Td>
      <Table.Td>{roleName(row.role)}</Table.Td>
      <Table.Td>{row.location}</Table.Td>
      <Table.Td>
        <Stack gap={2} align="flex-start">
          <OutcomeBadge outcome={row.outcome} />
          {row.alreadyMember && (
            <Text size="xs" c="dimmed">
              {t('imports.rows.alreadyMember')}
            </Text>
          )}
        </Stack>
      </Table.Td>
      <Table.Td>
        {messages.length > 0 && (
          <List size="sm" spacing={2} listStyleType="none" p={0}>
            {messages.map((m, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a row's messages never move
              <List.Item key={i} fw={m.level === 'error' ? 500 : undefined}>
                {say(m, row.line)}
              </List.Item>
            ))}
          </List>
        )}
      </Table.Td>
      {applied && (
        <Table.Td>
          {row.result && (
            <Stack gap={0}>
              <Text size="sm">{t(`imports.rowResult.${row.result}`)}</Text>
              {row.resultReason && (
                <Text size="xs" c="dimmed">
                  {t(`imports.rowReason.${row.resultReason}`, { defaultValue: row.resultReason })}
                </Text>
              )}
            </Stack>
          )}
        </Table.Td>
      )}
    </Table.Tr>
  );
}
