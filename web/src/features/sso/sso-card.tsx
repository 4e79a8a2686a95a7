import { Badge, Button, Card, Code, Group, MultiSelect, Select, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { ErrorAlert, useServerErrors } from '../../components/api-error';
import { notify } from '../../components/notify';
import { useAllGroups } from '../groups/groups.api';
import { usePermissions } from '../orgs/orgs.api';
import { type SsoConnectionBody, useSsoConnections, useSsoMutations, useTestResult, useVerifiedDomains } from './sso.api';

type FormValues = {
  name: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  scopes: string;
  groupsClaim: string;
  groupMap: string;
  defaultRole: 'learner' | 'guest';
  defaultGroupIds: string[];
  domainIds: string[];
};

/** "value = Group name" lines → claim value → group ids (unknown names are left out). */
function parseMap(text: string, groups: { id: string; name: string }[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const line of text.split('\n')) {
    const [value, name] = line.split('=').map((p) => p.trim());
    const group = groups.find((g) => g.name.toLowerCase() === name?.toLowerCase());
    if (value && group) out[value] = [...(out[value] ?? []), group.id];
  }
  return out;
}

/** Settings → Single sign-on (owners, admins): OpenID Connect connections, their mapping, and a test sign-in. */
export function SsoCard({ orgId }: { orgId: string }) {
  const { t } = useTranslation();
  const allowed = usePermissions(orgId).can('sso.manage');
  const connections = useSsoConnections(orgId, allowed);
  const domains = useVerifiedDomains(orgId, allowed);
  const groups = useAllGroups(orgId, allowed);
  const m = useSsoMutations(orgId);
  const [params] = useSearchParams();
  const tested = useTestResult(orgId, params.get('ssoTested'));
  const [adding, setAdding] = useState(false);
  const form = useForm<FormValues>({
    initialValues: {
      name: '',
      issuer: '',
      clientId: '',
      clientSecret: '',
      scopes: 'openid email profile',
      groupsClaim: '',
      groupMap: '',
      defaultRole: 'learner',
      defaultGroupIds: [],
      domainIds: [],
    },
    validate: {
      name: (v) => (v.trim() ? null : t('validation.required')),
      issuer: (v) => (/^https?:\/\//.test(v.trim()) ? null : t('validation.required')),
      clientId: (v) => (v.trim() ? null : t('validation.required')),
      clientSecret: (v) => (v ? null : t('validation.required')),
    },
  });
  const server = useServerErrors(form, ['name', 'issuer', 'clientId', 'clientSecret', 'scopes', 'groupsClaim']);
  const groupList = (groups.data ?? []).map((g) => ({ id: g.id, name: g.name }));
  const groupOptions = groupList.map((g) => ({ value: g.id, label: g.name }));
  const submit = (v: FormValues) => {
    server.clear();
    const body: SsoConnectionBody = {
      name: v.name.trim(),
      issuer: v.issuer.trim(),
      clientId: v.clientId.trim(),
      clientSecret: v.clientSecret,
      scopes: v.scopes.trim(),
      groupsClaim: v.groupsClaim.trim() || null,
      groupMap: parseMap(v.groupMap, groupList),
      defaultRole: v.defaultRole,
      defaultGroupIds: v.defaultGroupIds,
      domainIds: v.domainIds,
    };
    m.create.mutate(body, {
      onSuccess: () => {
        notify.success(t('sso.saved'));
        form.reset();
        setAdding(false);
      },
      onError: server.handle,
    });
  };
  if (!allowed) return null;
  const redirectUri = `${window.location.origin}/api/v1/auth/sso/callback`;

  return (
    <Card withBorder radius="md" p="lg" component="section" aria-labelledby="sso-title">
      <Stack gap="md">
        <Title order={2} fz="h3" id="sso-title">
          {t('sso.title')}
        </Title>
        <Text size="sm">{t('sso.text')}</Text>
        <Group gap="xs">
          <Text size="sm" fw={500}>
            {t('sso.redirectUri')}
          </Text>
          <Code>{redirectUri}</Code>
        </Group>
        {connections.isError && <ErrorAlert error={connections.error} />}
        {tested.data && (
          <Stack gap={4}>
            <Text fw={500}>{t('sso.claims')}</Text>
            <Code block data-testid="sso-claims">
              {JSON.stringify(tested.data.claims, null, 2)}
            </Code>
          </Stack>
        )}
        {connections.data?.length === 0 && <Text c="dimmed">{t('sso.empty')}</Text>}
        {(connections.data?.length ?? 0) > 0 && (
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('sso.fields.name')}</Table.Th>
                <Table.Th>{t('sso.fields.issuer')}</Table.Th>
                <Table.Th>{t('sso.fields.domains')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {connections.data?.map((c) => (
                <Table.Tr key={c.id}>
                  <Table.Td>{c.name}</Table.Td>
                  <Table.Td style={{ wordBreak: 'break-all' }}>{c.issuer}</Table.Td>
                  <Table.Td>
                    {c.domains.length === 0
                      ? t('sso.domainsNone')
                      : c.domains.map((d) => (
                          <Badge key={d.id} variant="light" mr={4}>
                            {d.domain}
                            {d.enforced ? ` · ${t('sso.enforced')}` : ''}
                          </Badge>
                        ))}
                  </Table.Td>
                  <Table.Td>
                    <Group gap="xs" justify="flex-end" wrap="nowrap">
                      <Button
                        size="xs"
                        variant="light"
                        loading={m.test.isPending}
                        onClick={() => m.test.mutate(c.id)}
                        title={t('sso.testText')}
                      >
                        {t('sso.test')}
                      </Button>
                      <Button
                        size="xs"
                        variant="subtle"
                        color="red"
                        onClick={() => m.remove.mutate(c.id, { onSuccess: () => notify.success(t('sso.deleted')) })}
                      >
                        {t('sso.delete')}
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        <ErrorAlert error={m.test.error ?? m.remove.error} />
        {!adding ? (
          <Group>
            <Button onClick={() => setAdding(true)}>{t('sso.add')}</Button>
          </Group>
        ) : (
          <form noValidate onSubmit={form.onSubmit(submit)}>
            <Stack gap="sm">
              <TextInput label={t('sso.fields.name')} withAsterisk {...form.getInputProps('name')} />
              <TextInput
                label={t('sso.fields.issuer')}
                withAsterisk
                placeholder="https://login.example.com"
                {...form.getInputProps('issuer')}
              />
              <TextInput label={t('sso.fields.clientId')} withAsterisk {...form.getInputProps('clientId')} />
              <TextInput
                label={t('sso.fields.clientSecret')}
                type="password"
                withAsterisk
                autoComplete="off"
                {...form.getInputProps('clientSecret')}
              />
              <TextInput label={t('sso.fields.scopes')} {...form.getInputProps('scopes')} />
              <TextInput label={t('sso.fields.groupsClaim')} placeholder="groups" {...form.getInputProps('groupsClaim')} />
              <Textarea
                label={t('sso.fields.groupMap')}
                description={t('sso.fields.groupMapHint')}
                autosize
                minRows={2}
                {...form.getInputProps('groupMap')}
              />
              <Select
                label={t('sso.fields.defaultRole')}
                data={(['learner', 'guest'] as const).map((r) => ({ value: r, label: t(`sso.roles.${r}`) }))}
                allowDeselect={false}
                {...form.getInputProps('defaultRole')}
              />
              <MultiSelect
                label={t('sso.fields.defaultGroups')}
                data={groupOptions}
                searchable
                {...form.getInputProps('defaultGroupIds')}
              />
              <MultiSelect
                label={t('sso.fields.domains')}
                data={(domains.data ?? []).map((d) => ({ value: d.id, label: d.domain }))}
                searchable
                {...form.getInputProps('domainIds')}
              />
              <ErrorAlert error={server.error} />
              <Group justify="flex-end">
                <Button variant="default" onClick={() => setAdding(false)}>
                  {t('sso.cancel')}
                </Button>
                <Button type="submit" loading={m.create.isPending}>
                  {t('sso.save')}
                </Button>
              </Group>
            </Stack>
          </form>
        )}
      </Stack>
    </Card>
  );
}
