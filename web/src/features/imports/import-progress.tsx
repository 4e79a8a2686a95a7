import { Alert, Button, Card, Group, Progress, Stack, Text, Title } from '@mantine/core';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { type Import, importUrls } from './imports.api';
import { type Stat, StatCards } from './import-ui';
import { useImportFormat } from './import-words';

/** Rows applied so far: the server's count when it sends one, else the share of the rows the percentage says. */
function rowsDone(imp: Import): number {
  if (typeof imp.rowsDone === 'number') return imp.rowsDone;
  return Math.round((imp.progress / 100) * imp.counts.rows);
}

function ProgressLine({ imp }: { imp: Import }) {
  const { t } = useTranslation();
  const { number, percent } = useImportFormat();
  return (
    <Stack gap={6}>
      <Progress
        value={imp.progress}
        size="xl"
        animated={imp.status !== 'done'}
        striped={imp.status !== 'done'}
        aria-label={t('imports.progress.label')}
        color={imp.status === 'done' ? 'green.9' : undefined}
      />
      <Text size="sm" fw={500}>
        {t('imports.progress.line', {
          percent: percent(imp.progress),
          done: number(rowsDone(imp)),
          total: number(imp.counts.rows),
          count: imp.counts.rows,
        })}
      </Text>
    </Stack>
  );
}

/** Approved or running: the bar moves as the server reports progress; leaving the page does not stop it. */
export function ImportProgress({ imp }: { imp: Import }) {
  const { t } = useTranslation();
  const titleId = useId();
  return (
    <Card withBorder radius="md" p="lg" component="section" aria-labelledby={titleId}>
      <Stack gap="sm">
        <Title order={2} fz="h3" id={titleId}>
          {imp.status === 'approved' ? t('imports.progress.waiting') : t('imports.progress.running')}
        </Title>
        <ProgressLine imp={imp} />
        <Text size="sm" c="dimmed">
          {t('imports.progress.canLeave')}
        </Text>
      </Stack>
    </Card>
  );
}

/** Done: what happened, in numbers, with the per-row results to download. */
export function ImportDone({ orgId, imp }: { orgId: string; imp: Import }) {
  const { t } = useTranslation();
  const { dateTime } = useImportFormat();
  const titleId = useId();
  const r = imp.result ?? {};
  const stats: Stat[] = [
    imp.mode === 'invite'
      ? { key: 'invited', label: t('imports.result.invited'), value: r.invited ?? 0 }
      : { key: 'created', label: t('imports.result.created'), value: r.created ?? 0 },
    { key: 'addedToGroups', label: t('imports.result.addedToGroups'), value: r.addedToGroups ?? 0 },
    { key: 'alreadyThere', label: t('imports.result.alreadyThere'), value: r.alreadyThere ?? 0 },
    { key: 'skipped', label: t('imports.result.skipped'), value: r.skipped ?? 0 },
    ...(imp.syncMode === 'add'
      ? []
      : [
          { key: 'updated', label: t('importSync.result.updated'), value: r.updated ?? 0 },
          ...(imp.syncMode === 'sync' ? [{ key: 'archived', label: t('importSync.result.archived'), value: r.archived ?? 0 }] : []),
        ]),
  ];
  const noWelcome = imp.mode === 'create' && imp.options.sendWelcome === false;
  const later = imp.options.sendAt && new Date(imp.options.sendAt) > new Date(imp.finishedAt ?? Date.now());
  return (
    <Card withBorder radius="md" p="lg" component="section" aria-labelledby={titleId}>
      <Stack gap="md">
        <Stack gap={2}>
          <Title order={2} fz="h3" id={titleId}>
            {t('imports.result.title')}
          </Title>
          {imp.finishedAt && (
            <Text size="sm" c="dimmed">
              {t('imports.result.finishedAt', { date: dateTime(imp.finishedAt) })}
            </Text>
          )}
        </Stack>
        <ProgressLine imp={imp} />
        <StatCards stats={stats} />
        {noWelcome && <Text size="sm">{t('imports.result.noWelcome')}</Text>}
        {later && imp.options.sendAt && (
          <Text size="sm">
            {t(imp.mode === 'invite' ? 'imports.result.invitesLater' : 'imports.result.welcomeLater', {
              date: dateTime(imp.options.sendAt),
            })}
          </Text>
        )}
        <Group gap="sm">
          <Button component="a" href={importUrls.results(orgId, imp.id)} download>
            {t('imports.result.download')}
          </Button>
          <Button component={Link} to={`/orgs/${orgId}/learners`} variant="default">
            {t('imports.result.toLearners')}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

/** Rejected or failed: nothing was applied, and why. */
export function ImportStopped({ imp }: { imp: Import }) {
  const { t } = useTranslation();
  const { dateTime } = useImportFormat();
  if (imp.status === 'failed') {
    return (
      <Alert
        color="red"
        variant="light"
        role="alert"
        title={t('imports.failed.title')}
        styles={{ title: { color: 'var(--mantine-color-text)' } }}
      >
        <Stack gap={4}>
          <Text size="sm">{t('imports.failed.text')}</Text>
          {imp.error && (
            <Text size="sm" c="dimmed">
              {imp.error}
            </Text>
          )}
        </Stack>
      </Alert>
    );
  }
  return (
    <Alert color="gray" variant="light" title={t('imports.rejected.title')} styles={{ title: { color: 'var(--mantine-color-text)' } }}>
      <Text size="sm">
        {imp.finishedAt ? t('imports.rejected.textAt', { date: dateTime(imp.finishedAt) }) : t('imports.rejected.text')}
      </Text>
    </Alert>
  );
}
