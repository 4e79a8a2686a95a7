import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  List,
  MultiSelect,
  NumberInput,
  Radio,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useAllGroups } from '../groups/groups.api';
import { type Import, importsApi, type SyncChoice, type SyncMode } from './imports.api';
import { useImportFormat } from './import-words';

// Issue 15: imports that update and sync — the choice before upload, the preview of what changes,
// who would be archived, and the number typed to approve a sync over its threshold.

/** Add only, add and update, or sync; blank cells; the groups a sync covers; its threshold. */
export function SyncOptions({
  orgId,
  value,
  onChange,
  disabled,
}: {
  orgId: string;
  value: SyncChoice;
  onChange: (next: SyncChoice) => void;
  disabled: boolean;
}) {
  const { t } = useTranslation();
  const groups = useAllGroups(orgId, value.syncMode === 'sync');
  const mode = value.syncMode ?? 'add';
  return (
    <Stack gap="sm">
      <Radio.Group
        value={mode}
        onChange={(v) => onChange({ ...value, syncMode: v as SyncMode })}
        label={
          <Title order={3} fz="h5" component="span">
            {t('importSync.modeTitle')}
          </Title>
        }
      >
        <Stack gap="sm" mt="xs">
          {(['add', 'update', 'sync'] as const).map((m) => (
            <Radio key={m} value={m} label={t(`importSync.mode.${m}`)} description={t(`importSync.mode.${m}Help`)} disabled={disabled} />
          ))}
        </Stack>
      </Radio.Group>
      {mode !== 'add' && (
        <Radio.Group
          value={value.blankCells ?? 'keep'}
          onChange={(v) => onChange({ ...value, blankCells: v as 'keep' | 'clear' })}
          label={t('importSync.blankTitle')}
        >
          <Group gap="lg" mt="xs">
            <Radio value="keep" label={t('importSync.blank.keep')} disabled={disabled} />
            <Radio value="clear" label={t('importSync.blank.clear')} disabled={disabled} />
          </Group>
        </Radio.Group>
      )}
      {mode === 'sync' && (
        <Group align="flex-start" grow>
          <MultiSelect
            label={t('importSync.scope')}
            description={t('importSync.scopeHelp')}
            placeholder={value.syncScope?.groupIds.length ? undefined : t('importSync.scopeAll')}
            data={(groups.data ?? []).map((g) => ({ value: g.id, label: g.name }))}
            value={value.syncScope?.groupIds ?? []}
            onChange={(ids) => onChange({ ...value, syncScope: { groupIds: ids } })}
            searchable
            disabled={disabled}
          />
          <NumberInput
            label={t('importSync.threshold')}
            description={t('importSync.thresholdHelp')}
            value={value.archiveThresholdPercent ?? 10}
            onChange={(v) => onChange({ ...value, archiveThresholdPercent: typeof v === 'number' ? v : 10 })}
            min={0}
            max={100}
            suffix=" %"
            disabled={disabled}
          />
        </Group>
      )}
    </Stack>
  );
}

const shown = (v: unknown, none: string) =>
  Array.isArray(v) ? v.join(', ') || none : v === null || v === undefined || v === '' ? none : String(v);

/** The preview of an update or sync: counts, each member's change field by field, and who would be archived. */
export function SyncPreview({ orgId, imp }: { orgId: string; imp: Import }) {
  const { t } = useTranslation();
  const { number } = useImportFormat();
  const titleId = useId();
  const c = imp.counts;
  const changed = useQuery({
    queryKey: ['orgs', orgId, 'imports', imp.id, 'changed'],
    queryFn: () => importsApi.rows(orgId, imp.id, { limit: 50, change: 'updated' }),
    enabled: imp.syncMode !== 'add',
  });
  if (imp.syncMode === 'add') return null;
  const cards = [
    { key: 'new', value: c.new ?? 0 },
    { key: 'updated', value: c.updated ?? 0 },
    { key: 'unchanged', value: c.unchanged ?? 0 },
    ...(imp.syncMode === 'sync' ? [{ key: 'toArchive', value: c.toArchive ?? 0 }] : []),
  ];
  const none = t('importSync.none');
  return (
    <Card withBorder radius="md" p="lg" component="section" aria-labelledby={titleId}>
      <Stack gap="md">
        <Title order={2} fz="h3" id={titleId}>
          {t(`importSync.previewTitle.${imp.syncMode}`)}
        </Title>
        {imp.options.heldForApproval && imp.status === 'preview' && (
          <Alert
            color="orange"
            variant="light"
            title={t('importSync.heldTitle')}
            styles={{ title: { color: 'var(--mantine-color-text)' } }}
          >
            {t('importSync.heldText')}
          </Alert>
        )}
        <SimpleGrid cols={{ base: 2, sm: 4 }} data-testid="sync-counts">
          {cards.map((k) => (
            <Stack key={k.key} gap={0}>
              <Text size="xl" fw={700}>
                {number(k.value)}
              </Text>
              <Text size="sm" c="dimmed">
                {t(`importSync.counts.${k.key}`)}
              </Text>
            </Stack>
          ))}
        </SimpleGrid>
        {imp.syncMode === 'sync' && (
          <Text size="sm" c={c.overThreshold ? 'red.8' : undefined}>
            {t(c.overThreshold ? 'importSync.overThreshold' : 'importSync.underThreshold', {
              count: c.toArchive ?? 0,
              n: number(c.toArchive ?? 0),
              members: number(c.membersInScope ?? 0),
              percent: number(c.archivePercent ?? 0),
              threshold: number(imp.options.archiveThresholdPercent ?? 10),
            })}
          </Text>
        )}
        <Title order={3} fz="h5">
          {t('importSync.changesTitle')}
        </Title>
        {changed.data?.items.length ? (
          <Table striped aria-label={t('importSync.changesTitle')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('importSync.line')}</Table.Th>
                <Table.Th>{t('importSync.email')}</Table.Th>
                <Table.Th>{t('importSync.change')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {changed.data.items.map((r) => (
                <Table.Tr key={r.line}>
                  <Table.Td>{r.line}</Table.Td>
                  <Table.Td>{r.email}</Table.Td>
                  <Table.Td>
                    <List size="sm" listStyleType="none">
                      {Object.entries(r.changes ?? {}).map(([field, ch]) => (
                        <List.Item key={field}>
                          <Text span fw={500} size="sm">
                            {field.startsWith('fields.')
                              ? t('importFields.diffLabel', { key: field.slice('fields.'.length) })
                              : t(`importSync.fields.${field}`, { defaultValue: field })}
                          </Text>
                          {': '}
                          {shown(ch.before, none)} → {shown(ch.after, none)}
                        </List.Item>
                      ))}
                    </List>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ) : (
          <Text size="sm" c="dimmed">
            {t('importSync.noChanges')}
          </Text>
        )}
        {imp.syncMode === 'sync' && imp.status === 'preview' && (c.toArchive ?? 0) > 0 && <ToArchiveList orgId={orgId} imp={imp} />}
      </Stack>
    </Card>
  );
}

/** Who a sync would archive, page by page. */
function ToArchiveList({ orgId, imp }: { orgId: string; imp: Import }) {
  const { t } = useTranslation();
  const list = useInfiniteQuery({
    queryKey: ['orgs', orgId, 'imports', imp.id, 'to-archive'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => importsApi.toArchive(orgId, imp.id, { limit: 20, cursor: pageParam }),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const people = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack gap="xs">
      <Title order={3} fz="h5">
        {t('importSync.toArchiveTitle')}
      </Title>
      <List size="sm" aria-label={t('importSync.toArchiveTitle')}>
        {people.map((p) => (
          <List.Item key={p.accountId}>
            {p.name ? `${p.name} — ` : ''}
            {p.email}{' '}
            <Badge size="xs" variant="light" color="gray">
              {t(`roles.${p.role}`, { defaultValue: p.role })}
            </Badge>
          </List.Item>
        ))}
      </List>
      {list.hasNextPage && (
        <Group>
          <Button variant="default" size="xs" onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
            {t('importSync.more')}
          </Button>
        </Group>
      )}
    </Stack>
  );
}

/** The typed number a sync over its threshold needs before it can be approved. */
export function ArchiveConfirm({ imp, typed, onType }: { imp: Import; typed: string; onType: (v: string) => void }) {
  const { t } = useTranslation();
  const { number } = useImportFormat();
  const n = imp.counts.toArchive ?? 0;
  return (
    <Stack gap="xs">
      <Text size="sm" fw={500} c="red.8">
        {t('importSync.confirmText', { count: n, n: number(n) })}
      </Text>
      <TextInput
        label={t('importSync.confirmLabel', { n })}
        value={typed}
        onChange={(e) => onType(e.currentTarget.value)}
        inputMode="numeric"
        autoComplete="off"
        data-testid="archive-count"
      />
    </Stack>
  );
}

/** Whether the approval of this import needs the number typed. */
export const needsTypedNumber = (imp: Import) => imp.syncMode === 'sync' && Boolean(imp.counts.overThreshold);
