import { Alert, Badge, Button, Card, Code, CopyButton, Group, MultiSelect, Select, Stack, Switch, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/api-error';
import { GatedButton } from '../../components/gated-button';
import { useAllGroups } from '../groups/groups.api';
import { usePermissions } from '../orgs/orgs.api';
import { type ScimSettingsBody, useSaveScimSettings, useScimLog, useScimSettings, useScimTokenAction, useScimTokens } from './scim.api';

const ROLES = ['learner', 'guest', 'manager_limited', 'manager_full'] as const;

function CopyValue({ value, label }: { value: string; label: string }) {
  const { t } = useTranslation();
  return (
    <Group gap="xs" wrap="nowrap">
      <Code aria-label={label} style={{ wordBreak: 'break-all' }}>
        {value}
      </Code>
      <CopyButton value={value}>
        {({ copied, copy }) => (
          <Button size="xs" variant="light" onClick={copy}>
            {copied ? t('scim.copied') : t('scim.copy')}
          </Button>
        )}
      </CopyButton>
    </Group>
  );
}

/** Settings → Provisioning (SCIM): turn it on, the base URL and token (shown once), what a provisioned person becomes, the log. */
export function ScimCard({ orgId }: { orgId: string }) {
  const { t } = useTranslation();
  const allowed = usePermissions(orgId).can('apikeys.manage');
  const settings = useScimSettings(orgId, allowed);
  const tokens = useScimTokens(orgId, allowed);
  const log = useScimLog(orgId, allowed && Boolean(settings.data?.enabled));
  const groups = useAllGroups(orgId, allowed);
  const save = useSaveScimSettings(orgId);
  const action = useScimTokenAction(orgId);
  const [token, setToken] = useState<string | null>(null);
  const s = settings.data;
  const dateTime = (v: string | null) => (v ? new Date(v).toLocaleString() : '—');
  const change = (body: ScimSettingsBody) => save.mutate(body);
  const groupOptions = (groups.data ?? []).map((g) => ({ value: g.id, label: g.name }));
  const tokenAction = (o: { tokenId?: string; revoke?: boolean }) =>
    action.mutate(o, { onSuccess: (res) => setToken(res && 'token' in res ? res.token : null) });

  return (
    <Card withBorder radius="md" p="lg" component="section" aria-labelledby="scim-title">
      <Stack gap="md">
        <Title order={2} fz="h3" id="scim-title">
          {t('scim.title')}
        </Title>
        <Text size="sm">{t('scim.text')}</Text>
        {allowed && settings.isError && <ErrorAlert error={settings.error} />}
        <Switch
          label={t('scim.enabled')}
          checked={Boolean(s?.enabled)}
          disabled={!allowed || !s}
          onChange={(e) => change({ enabled: e.currentTarget.checked })}
        />
        {s?.enabled && (
          <>
            <Stack gap={4}>
              <Text size="sm" fw={500}>
                {t('scim.baseUrl')}
              </Text>
              <CopyValue value={s.baseUrl} label={t('scim.baseUrl')} />
            </Stack>
            <Select
              label={t('scim.accountMode')}
              data={[
                { value: 'set_password', label: t('scim.modeSetPassword') },
                { value: 'sso', label: t('scim.modeSso') },
              ]}
              value={s.accountMode}
              allowDeselect={false}
              onChange={(v) => v && change({ accountMode: v as ScimSettingsBody['accountMode'] })}
            />
            <Select
              label={t('scim.role')}
              data={ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))}
              value={s.role}
              allowDeselect={false}
              onChange={(v) => v && change({ role: v as ScimSettingsBody['role'] })}
            />
            <MultiSelect
              label={t('scim.defaultGroups')}
              data={groupOptions}
              value={s.defaultGroupIds}
              searchable
              onChange={(v) => change({ defaultGroupIds: v })}
            />
            <Text size="sm" c="dimmed">
              {t('scim.existingAccounts')}
            </Text>
            <ErrorAlert error={save.error} />
            {token && (
              <Alert color="green" title={t('scim.tokenTitle')}>
                <Stack gap="xs">
                  <Text size="sm">{t('scim.tokenOnce')}</Text>
                  <CopyValue value={token} label={t('scim.tokenLabel')} />
                </Stack>
              </Alert>
            )}
            {(tokens.data?.items.length ?? 0) > 0 && (
              <Table aria-label={t('scim.tokens')}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('scim.token')}</Table.Th>
                    <Table.Th>{t('scim.lastUsed')}</Table.Th>
                    <Table.Th />
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {tokens.data?.items.map((k) => (
                    <Table.Tr key={k.id}>
                      <Table.Td>
                        {k.name} <Code>{k.prefix}…</Code>
                      </Table.Td>
                      <Table.Td>{dateTime(k.lastUsedAt)}</Table.Td>
                      <Table.Td>
                        {k.revokedAt ? (
                          <Badge color="gray" variant="light" c="dark.9">
                            {t('scim.revoked')}
                          </Badge>
                        ) : (
                          <Group gap="xs">
                            <Button size="xs" variant="subtle" loading={action.isPending} onClick={() => tokenAction({ tokenId: k.id })}>
                              {t('scim.rotate')}
                            </Button>
                            <Button
                              size="xs"
                              color="red"
                              variant="subtle"
                              loading={action.isPending}
                              onClick={() => tokenAction({ tokenId: k.id, revoke: true })}
                            >
                              {t('scim.revoke')}
                            </Button>
                          </Group>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
            <Group>
              <GatedButton allowed={allowed} reason={t('scim.notAllowed')} loading={action.isPending} onClick={() => tokenAction({})}>
                {t('scim.createToken')}
              </GatedButton>
            </Group>
            <ErrorAlert error={action.error} />
            <Title order={3} fz="h4" id="scim-log-title">
              {t('scim.log')}
            </Title>
            {(log.data?.items.length ?? 0) === 0 ? (
              <Text size="sm" c="dimmed">
                {t('scim.logEmpty')}
              </Text>
            ) : (
              <Table aria-labelledby="scim-log-title">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('scim.logTime')}</Table.Th>
                    <Table.Th>{t('scim.logOperation')}</Table.Th>
                    <Table.Th>{t('scim.logResource')}</Table.Th>
                    <Table.Th>{t('scim.logOutcome')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {log.data?.items.map((l) => (
                    <Table.Tr key={l.id}>
                      <Table.Td>{dateTime(l.at)}</Table.Td>
                      <Table.Td>{t(`scim.op.${l.operation}`, { defaultValue: l.operation })}</Table.Td>
                      <Table.Td>
                        {l.resourceType} {l.resourceId && <Code>{l.resourceId}</Code>}
                      </Table.Td>
                      <Table.Td>
                        <Badge color={l.status < 400 ? 'green' : 'red'} variant="light" c="dark.9">
                          {l.status}
                        </Badge>{' '}
                        {l.error}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </>
        )}
      </Stack>
    </Card>
  );
}
