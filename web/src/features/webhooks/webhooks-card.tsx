import {
  Alert,
  Badge,
  Button,
  Card,
  Checkbox,
  Code,
  CopyButton,
  Group,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert, useServerErrors } from '../../components/api-error';
import { ConfirmModal } from '../../components/confirm-modal';
import { GatedButton } from '../../components/gated-button';
import { usePermissions } from '../orgs/orgs.api';
import {
  EVENTS,
  useCreateWebhook,
  useDeleteWebhook,
  useDeliveries,
  useRedeliver,
  useRotateSecret,
  useSendTest,
  useUpdateWebhook,
  useWebhooks,
  type Webhook,
  type WebhookEvent,
} from './webhooks.api';

const dateTime = (v: string | null) => (v ? new Date(v).toLocaleString() : '—');

/** Settings → Webhooks: endpoints (secret shown once, rotate, on/off, remove), each with its delivery log, redeliver and a test event. */
export function WebhooksCard({ orgId }: { orgId: string }) {
  const { t } = useTranslation();
  const allowed = usePermissions(orgId).can('webhooks.manage');
  const hooks = useWebhooks(orgId, allowed);
  const create = useCreateWebhook(orgId);
  const [secret, setSecret] = useState<string | null>(null);
  const [logOf, setLogOf] = useState<string | null>(null);
  const form = useForm({
    initialValues: { url: '', events: [] as WebhookEvent[] },
    validate: {
      url: (v) => (v.trim() ? null : t('webhooks.urlRequired')),
      events: (v) => (v.length ? null : t('webhooks.eventsRequired')),
    },
  });
  const server = useServerErrors(form, ['url', 'events']);
  const items = hooks.data?.items ?? [];

  return (
    <Card withBorder radius="md" p="lg" component="section" aria-labelledby="webhooks-title">
      <Stack gap="md">
        <Title order={2} fz="h3" id="webhooks-title">
          {t('webhooks.title')}
        </Title>
        <Text size="sm">{t('webhooks.text')}</Text>
        {secret && (
          <Alert color="green" variant="light">
            <Stack gap="xs">
              <Text fw={700} size="sm">
                {t('webhooks.secretTitle')}
              </Text>
              <Text size="sm">{t('webhooks.secretOnce')}</Text>
              <Code block aria-label={t('webhooks.secretLabel')}>
                {secret}
              </Code>
              <CopyButton value={secret}>
                {({ copied, copy }) => (
                  <Button size="xs" variant="light" onClick={copy} w="fit-content">
                    {copied ? t('webhooks.copied') : t('webhooks.copy')}
                  </Button>
                )}
              </CopyButton>
            </Stack>
          </Alert>
        )}
        {allowed && hooks.isError && <ErrorAlert error={hooks.error} />}
        {allowed && items.length > 0 && (
          <Table aria-labelledby="webhooks-title">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('webhooks.url')}</Table.Th>
                <Table.Th>{t('webhooks.events')}</Table.Th>
                <Table.Th>{t('webhooks.state')}</Table.Th>
                <Table.Th>{t('webhooks.actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((w) => (
                <EndpointRow
                  key={w.id}
                  orgId={orgId}
                  hook={w}
                  logOpen={logOf === w.id}
                  onToggleLog={() => setLogOf(logOf === w.id ? null : w.id)}
                  onSecret={setSecret}
                />
              ))}
            </Table.Tbody>
          </Table>
        )}
        {logOf && items.some((w) => w.id === logOf) && <DeliveryLog orgId={orgId} hook={items.find((w) => w.id === logOf) as Webhook} />}
        <form
          noValidate
          onSubmit={form.onSubmit((v) => {
            server.clear();
            create.mutate(
              { url: v.url.trim(), events: v.events },
              {
                onSuccess: (w) => {
                  setSecret(w.secret);
                  form.reset();
                },
                onError: server.handle,
              },
            );
          })}
        >
          <Stack gap="sm">
            <Title order={3} fz="h4">
              {t('webhooks.add')}
            </Title>
            <TextInput
              label={t('webhooks.url')}
              description={t('webhooks.urlHelp')}
              placeholder="https://hr.example.com/troupe/webhooks"
              disabled={!allowed}
              {...form.getInputProps('url')}
            />
            <Checkbox.Group label={t('webhooks.events')} {...form.getInputProps('events')}>
              <SimpleGrid cols={{ base: 1, sm: 3 }} mt="xs">
                {EVENTS.map((e) => (
                  <Checkbox key={e} value={e} label={e} disabled={!allowed} />
                ))}
              </SimpleGrid>
            </Checkbox.Group>
            <Group>
              <GatedButton type="submit" allowed={allowed} reason={t('webhooks.notAllowed')} loading={create.isPending}>
                {t('webhooks.create')}
              </GatedButton>
            </Group>
            <ErrorAlert error={server.error} />
          </Stack>
        </form>
      </Stack>
    </Card>
  );
}

function EndpointRow(p: { orgId: string; hook: Webhook; logOpen: boolean; onToggleLog: () => void; onSecret: (s: string) => void }) {
  const { t } = useTranslation();
  const update = useUpdateWebhook(p.orgId);
  const rotate = useRotateSecret(p.orgId);
  const test = useSendTest(p.orgId);
  const remove = useDeleteWebhook(p.orgId);
  const [confirming, setConfirming] = useState(false);
  const w = p.hook;
  return (
    <Table.Tr>
      <Table.Td>
        <Code>{w.url}</Code>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{w.events.join(', ')}</Text>
      </Table.Td>
      <Table.Td>
        {w.enabled ? (
          <Badge color="green" variant="light" c="dark.9">
            {t('webhooks.enabled')}
          </Badge>
        ) : (
          <Badge color="gray" variant="light" c="dark.9">
            {w.disabledReason ? t(`webhooks.disabledReason.${w.disabledReason}`) : t('webhooks.disabled')}
          </Badge>
        )}
      </Table.Td>
      <Table.Td>
        <Group gap={4}>
          <Button size="xs" variant="subtle" onClick={p.onToggleLog} aria-expanded={p.logOpen}>
            {t('webhooks.deliveryLog')}
          </Button>
          <Button
            size="xs"
            variant="subtle"
            loading={test.isPending}
            disabled={!w.enabled}
            onClick={() => test.mutate(w.id, { onSuccess: () => !p.logOpen && p.onToggleLog() })}
          >
            {t('webhooks.sendTest')}
          </Button>
          <Button size="xs" variant="subtle" loading={update.isPending} onClick={() => update.mutate({ id: w.id, enabled: !w.enabled })}>
            {w.enabled ? t('webhooks.disable') : t('webhooks.enable')}
          </Button>
          <Button
            size="xs"
            variant="subtle"
            loading={rotate.isPending}
            onClick={() => rotate.mutate(w.id, { onSuccess: (r) => p.onSecret(r.secret) })}
          >
            {t('webhooks.rotate')}
          </Button>
          <Button size="xs" variant="subtle" color="red" c="red.9" onClick={() => setConfirming(true)}>
            {t('webhooks.delete')}
          </Button>
        </Group>
        <ErrorAlert error={test.error ?? update.error ?? rotate.error} />
        <ConfirmModal
          opened={confirming}
          onClose={() => setConfirming(false)}
          onConfirm={() => remove.mutate(w.id, { onSuccess: () => setConfirming(false) })}
          title={t('webhooks.deleteTitle')}
          confirmLabel={t('webhooks.delete')}
          danger
          loading={remove.isPending}
          error={remove.error}
        >
          {t('webhooks.deleteText', { url: w.url })}
        </ConfirmModal>
      </Table.Td>
    </Table.Tr>
  );
}

function DeliveryLog({ orgId, hook }: { orgId: string; hook: Webhook }) {
  const { t } = useTranslation();
  const deliveries = useDeliveries(orgId, hook.id);
  const redeliver = useRedeliver(orgId, hook.id);
  const items = deliveries.data?.items ?? [];
  return (
    <Stack gap="xs" component="section" aria-labelledby="webhook-log-title">
      <Title order={3} fz="h4" id="webhook-log-title">
        {t('webhooks.logTitle', { url: hook.url })}
      </Title>
      {deliveries.isError && <ErrorAlert error={deliveries.error} />}
      {deliveries.isSuccess && items.length === 0 && <Text size="sm">{t('webhooks.logEmpty')}</Text>}
      {items.length > 0 && (
        <Table aria-labelledby="webhook-log-title">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('webhooks.event')}</Table.Th>
              <Table.Th>{t('webhooks.status')}</Table.Th>
              <Table.Th>{t('webhooks.duration')}</Table.Th>
              <Table.Th>{t('webhooks.response')}</Table.Th>
              <Table.Th>{t('webhooks.time')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((d) => {
              const last = d.attemptLog[0];
              return (
                <Table.Tr key={d.id}>
                  <Table.Td>
                    <Code>{d.type}</Code>
                  </Table.Td>
                  <Table.Td>
                    <Badge color={d.status === 'delivered' ? 'green' : d.status === 'failed' ? 'red' : 'yellow'} variant="light" c="dark.9">
                      {t(`webhooks.deliveryStatus.${d.status}`)}
                    </Badge>{' '}
                    {d.lastStatusCode ?? ''} {t('webhooks.attempts', { count: d.attempts })}
                  </Table.Td>
                  <Table.Td>{last ? t('webhooks.ms', { ms: last.durationMs }) : '—'}</Table.Td>
                  <Table.Td>
                    <Text size="xs" style={{ wordBreak: 'break-all' }}>
                      {last?.responseExcerpt ?? last?.error ?? '—'}
                    </Text>
                  </Table.Td>
                  <Table.Td>{dateTime(d.deliveredAt ?? d.createdAt)}</Table.Td>
                  <Table.Td>
                    <Button
                      size="xs"
                      variant="subtle"
                      loading={redeliver.isPending && redeliver.variables === d.id}
                      onClick={() => redeliver.mutate(d.id)}
                    >
                      {t('webhooks.redeliver')}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
      <ErrorAlert error={redeliver.error} />
    </Stack>
  );
}
