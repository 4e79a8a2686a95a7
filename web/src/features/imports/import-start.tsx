import { Alert, Button, Card, Group, Loader, Radio, Stack, Tabs, Text, Textarea, Title } from '@mantine/core';
import { Dropzone, type FileRejection } from '@mantine/dropzone';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { GatedButton } from '../../components/gated-button';
import { type ImportMode, importsApi, importUrls, MAX_BYTES, rememberPreview, type SyncChoice } from './imports.api';
import { SyncOptions } from './import-sync';
import { useImportError, useImportFormat } from './import-words';

/** CSV (as browsers and Excel label it), TSV, plain text and Excel workbooks. */
const ACCEPT = {
  'text/csv': ['.csv'],
  'text/tab-separated-values': ['.tsv'],
  'text/plain': ['.txt', '.csv', '.tsv'],
  'application/vnd.ms-excel': ['.csv'],
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': ['.xlsx'],
};

type Input = { kind: 'file'; file: File } | { kind: 'paste'; text: string };

/** Where an import begins: the template, what should happen, then a file or a pasted table. */
export function ImportStart({ orgId, canManage }: { orgId: string; canManage: boolean }) {
  const { t } = useTranslation();
  const { number } = useImportFormat();
  const describe = useImportError();
  const navigate = useNavigate();
  const client = useQueryClient();
  const openRef = useRef<() => void>(null);
  const ids = { title: useId(), help: useId(), error: useId(), drop: useId() };
  const [mode, setMode] = useState<ImportMode>('invite');
  const [sync, setSync] = useState<SyncChoice>({ syncMode: 'add' });
  const [tab, setTab] = useState<string | null>('file');
  const [text, setText] = useState('');
  const [refused, setRefused] = useState<string | null>(null);
  const [sending, setSending] = useState<string | null>(null);
  const reason = t('imports.permission');

  const send = useMutation({
    mutationFn: (input: Input) =>
      input.kind === 'file'
        ? importsApi.upload(orgId, input.file, mode, false, sync)
        : importsApi.paste(orgId, { text: input.text, mode, createMissingGroups: false, ...sync }),
    onSuccess: (preview) => {
      rememberPreview(client, orgId, preview);
      navigate(`/orgs/${orgId}/imports/${preview.id}`);
    },
  });

  const start = (input: Input) => {
    setRefused(null);
    setSending(input.kind === 'file' ? input.file.name : null);
    send.mutate(input);
  };

  const onReject = (rejections: FileRejection[]) => {
    send.reset();
    const code = rejections[0]?.errors[0]?.code;
    setRefused(
      code === 'file-too-large'
        ? t('imports.errors.file_too_large', { mb: number(MAX_BYTES / 1024 / 1024) })
        : code === 'too-many-files'
          ? t('imports.start.oneFile')
          : t('imports.start.wrongType', { name: rejections[0]?.file.name ?? '' }),
    );
  };

  const problem = refused ?? (send.isError ? describe(send.error) : null);
  const lines = text.split(/\r\n|\r|\n/).filter((l) => l.trim()).length;

  const download = (href: string, label: string) =>
    canManage ? (
      <Button component="a" href={href} download variant="default">
        {label}
      </Button>
    ) : (
      <GatedButton allowed={false} reason={reason} variant="default">
        {label}
      </GatedButton>
    );

  return (
    <Card withBorder radius="md" p="lg" component="section" aria-labelledby={ids.title}>
      <Stack gap="lg">
        <Stack gap={4}>
          <Title order={2} fz="h3" id={ids.title}>
            {t('imports.start.title')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('imports.start.safe')}
          </Text>
        </Stack>

        <Stack gap="xs">
          <Title order={3} fz="h5">
            {t('imports.start.templateTitle')}
          </Title>
          <Text size="sm">{t('imports.start.templateText')}</Text>
          <Group gap="sm">
            {download(importUrls.templateCsv(orgId), t('imports.start.templateCsv'))}
            {download(importUrls.templateXlsx(orgId), t('imports.start.templateXlsx'))}
          </Group>
        </Stack>

        <Radio.Group
          value={mode}
          onChange={(value) => setMode(value as ImportMode)}
          label={
            <Title order={3} fz="h5" component="span">
              {t('imports.start.modeTitle')}
            </Title>
          }
        >
          <Stack gap="sm" mt="xs">
            <Radio value="invite" label={t('imports.mode.invite')} description={t('imports.mode.inviteHelp')} disabled={!canManage} />
            <Radio value="create" label={t('imports.mode.create')} description={t('imports.mode.createHelp')} disabled={!canManage} />
          </Stack>
        </Radio.Group>

        <SyncOptions orgId={orgId} value={sync} onChange={setSync} disabled={!canManage} />

        <Stack gap="xs">
          <Title order={3} fz="h5">
            {t('imports.start.sourceTitle')}
          </Title>
          <Tabs value={tab} onChange={setTab} keepMounted={false}>
            <Tabs.List aria-label={t('imports.start.sourceTitle')}>
              <Tabs.Tab value="file">{t('imports.start.fileTab')}</Tabs.Tab>
              <Tabs.Tab value="paste">{t('imports.start.pasteTab')}</Tabs.Tab>
            </Tabs.List>

            <Tabs.Panel value="file" pt="md">
              <Stack gap="sm">
                {/* The drop area is for the mouse; keyboard and screen reader users get the real button below. */}
                <Dropzone
                  openRef={openRef}
                  onDrop={(files) => {
                    const file = files[0];
                    if (file) start({ kind: 'file', file });
                  }}
                  onReject={onReject}
                  accept={ACCEPT}
                  maxSize={MAX_BYTES}
                  multiple={false}
                  disabled={!canManage}
                  loading={send.isPending}
                  activateOnKeyboard={false}
                  tabIndex={-1}
                  role="group"
                  aria-labelledby={ids.drop}
                  aria-describedby={ids.help}
                  data-testid="import-dropzone"
                  bd={problem && tab === 'file' ? '1px dashed var(--mantine-color-error)' : undefined}
                >
                  <Stack gap={4} align="center" py="xl" style={{ pointerEvents: 'none' }}>
                    <Dropzone.Accept>
                      <Text fw={500}>{t('imports.start.dropAccept')}</Text>
                    </Dropzone.Accept>
                    <Dropzone.Reject>
                      <Text fw={500}>{t('imports.start.dropReject')}</Text>
                    </Dropzone.Reject>
                    <Dropzone.Idle>
                      <Text fw={500} id={ids.drop}>
                        {t('imports.start.dropIdle')}
                      </Text>
                    </Dropzone.Idle>
                    <Text size="xs" c="dimmed" id={ids.help} ta="center">
                      {t('imports.start.formats', { mb: number(50), rows: number(1_000_000) })}
                    </Text>
                  </Stack>
                </Dropzone>
                <Group>
                  <GatedButton
                    allowed={canManage}
                    reason={reason}
                    variant="default"
                    loading={send.isPending && send.variables?.kind === 'file'}
                    onClick={() => openRef.current?.()}
                    aria-describedby={problem ? `${ids.help} ${ids.error}` : ids.help}
                  >
                    {t('imports.start.chooseFile')}
                  </GatedButton>
                </Group>
              </Stack>
            </Tabs.Panel>

            <Tabs.Panel value="paste" pt="md">
              <form
                noValidate
                onSubmit={(event) => {
                  event.preventDefault();
                  if (canManage && text.trim()) start({ kind: 'paste', text });
                }}
              >
                <Stack gap="sm">
                  <Textarea
                    label={t('imports.start.pasteLabel')}
                    description={t('imports.start.pasteHelp')}
                    value={text}
                    onChange={(event) => setText(event.currentTarget.value)}
                    autosize
                    minRows={6}
                    maxRows={16}
                    disabled={!canManage}
                    spellCheck={false}
                    styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', whiteSpace: 'pre', overflowX: 'auto' } }}
                    aria-describedby={problem ? ids.error : undefined}
                  />
                  <Group justify="space-between">
                    <Text size="sm" c="dimmed" aria-live="polite">
                      {lines > 0 ? t('imports.start.pastedLines', { count: lines, n: number(lines) }) : ''}
                    </Text>
                    <GatedButton
                      allowed={canManage}
                      reason={reason}
                      type="submit"
                      loading={send.isPending && send.variables?.kind === 'paste'}
                      disabled={canManage && !text.trim()}
                    >
                      {t('imports.start.checkTable')}
                    </GatedButton>
                  </Group>
                </Stack>
              </form>
            </Tabs.Panel>
          </Tabs>
        </Stack>

        {send.isPending && (
          <Group gap="sm" role="status">
            <Loader size="sm" />
            <Text size="sm">{sending ? t('imports.start.reading', { name: sending }) : t('imports.start.readingTable')}</Text>
          </Group>
        )}
        {problem && (
          <Alert
            color="red"
            variant="light"
            role="alert"
            id={ids.error}
            title={t('imports.start.refused')}
            styles={{ title: { color: 'var(--mantine-color-text)' } }}
          >
            {problem}
          </Alert>
        )}
      </Stack>
    </Card>
  );
}
