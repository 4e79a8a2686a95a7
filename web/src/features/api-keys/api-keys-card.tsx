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
import { GatedButton } from '../../components/gated-button';
import { rules } from '../../components/validators';
import { usePermissions } from '../orgs/orgs.api';
import { SCOPES, useApiKeys, useCreateApiKey, useRevokeApiKey } from './api-keys.api';

/** Settings → API keys: create (secret shown once), list with last use, revoke. */
export function ApiKeysCard({ orgId }: { orgId: string }) {
  const { t } = useTranslation();
  const allowed = usePermissions(orgId).can('apikeys.manage');
  const keys = useApiKeys(orgId, allowed);
  const create = useCreateApiKey(orgId);
  const revoke = useRevokeApiKey(orgId);
  const [secret, setSecret] = useState<string | null>(null);
  const form = useForm({
    initialValues: { name: '', scopes: [] as string[], expiresAt: '' },
    validate: { name: rules(t).required, scopes: (v) => (v.length ? null : t('apiKeys.scopesRequired')) },
  });
  const server = useServerErrors(form, ['name', 'scopes', 'expiresAt']);
  const dateTime = (v: string | null) => (v ? new Date(v).toLocaleString() : '—');

  return (
    <Card withBorder radius="md" p="lg" component="section" aria-labelledby="api-keys-title">
      <Stack gap="md">
        <Title order={2} fz="h3" id="api-keys-title">
          {t('apiKeys.title')}
        </Title>
        <Text size="sm">{t('apiKeys.text')}</Text>
        {secret && (
          <Alert color="green" variant="light">
            <Stack gap="xs">
              <Text fw={700} size="sm">
                {t('apiKeys.secretTitle')}
              </Text>
              <Text size="sm">{t('apiKeys.secretOnce')}</Text>
              <Code block aria-label={t('apiKeys.secretLabel')}>
                {secret}
              </Code>
              <CopyButton value={secret}>
                {({ copied, copy }) => (
                  <Button size="xs" variant="light" onClick={copy} w="fit-content">
                    {copied ? t('apiKeys.copied') : t('apiKeys.copy')}
                  </Button>
                )}
              </CopyButton>
            </Stack>
          </Alert>
        )}
        {allowed && keys.isError && <ErrorAlert error={keys.error} />}
        {allowed && (keys.data?.items.length ?? 0) > 0 && (
          <Table aria-labelledby="api-keys-title">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('apiKeys.name')}</Table.Th>
                <Table.Th>{t('apiKeys.scopes')}</Table.Th>
                <Table.Th>{t('apiKeys.lastUsed')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {keys.data?.items.map((k) => (
                <Table.Tr key={k.id}>
                  <Table.Td>
                    {k.name} <Code>{k.prefix}…</Code>
                  </Table.Td>
                  <Table.Td>{k.scopes.join(', ')}</Table.Td>
                  <Table.Td>
                    {dateTime(k.lastUsedAt)}{' '}
                    {k.lastUsedIp && (
                      <Text span c="dimmed">
                        ({k.lastUsedIp})
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {k.revokedAt ? (
                      <Badge color="gray">{t('apiKeys.revoked')}</Badge>
                    ) : (
                      <Button size="xs" color="red" variant="subtle" loading={revoke.isPending} onClick={() => revoke.mutate(k.id)}>
                        {t('apiKeys.revoke')}
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        <form
          noValidate
          onSubmit={form.onSubmit((v) => {
            server.clear();
            const expiresAt = v.expiresAt ? new Date(`${v.expiresAt}T23:59:59`).toISOString() : null;
            create.mutate(
              { name: v.name.trim(), scopes: v.scopes, expiresAt },
              {
                onSuccess: (k) => {
                  setSecret(k.secret);
                  form.reset();
                },
                onError: server.handle,
              },
            );
          })}
        >
          <Stack gap="sm">
            <TextInput label={t('apiKeys.name')} disabled={!allowed} {...form.getInputProps('name')} />
            <Checkbox.Group label={t('apiKeys.scopes')} {...form.getInputProps('scopes')}>
              <SimpleGrid cols={{ base: 1, sm: 3 }} mt="xs">
                {SCOPES.map((s) => (
                  <Checkbox key={s} value={s} label={s} disabled={!allowed} />
                ))}
              </SimpleGrid>
            </Checkbox.Group>
            <TextInput type="date" label={t('apiKeys.expiresAt')} disabled={!allowed} {...form.getInputProps('expiresAt')} />
            <Group>
              <GatedButton type="submit" allowed={allowed} reason={t('apiKeys.notAllowed')} loading={create.isPending}>
                {t('apiKeys.create')}
              </GatedButton>
            </Group>
            <ErrorAlert error={server.error} />
          </Stack>
        </form>
      </Stack>
    </Card>
  );
}
