import { Alert, Badge, Button, Card, Code, CopyButton, Group, MultiSelect, Radio, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/client';
import { useFormat } from '../../app/format';
import { ErrorAlert, useDescribeError, useServerErrors } from '../../components/api-error';
import { ConfirmModal } from '../../components/confirm-modal';
import { notify } from '../../components/notify';
import { ListSkeleton } from '../../components/table-states';
import { rules } from '../../components/validators';
import { groupOptions, useAllGroups } from '../groups/groups.api';
import { usePermissions } from '../orgs/orgs.api';
import {
  type DomainPolicy,
  type OrgDomain,
  useAddDomain,
  useDomains,
  useRemoveDomain,
  useUpdateDomain,
  useVerifyDomain,
} from './domains.api';

const POLICIES: DomainPolicy[] = ['none', 'suggest', 'auto_join'];

/** Settings → Domains: claim a domain, create its TXT record, verify it, choose what it allows. */
export function DomainsCard({ orgId }: { orgId: string }) {
  const { t } = useTranslation();
  const allowed = usePermissions(orgId).can('domains.manage');
  const domains = useDomains(orgId, allowed);
  const add = useAddDomain(orgId);
  const form = useForm({ initialValues: { domain: '' }, validate: { domain: rules(t).required } });
  const server = useServerErrors(form, ['domain']);

  return (
    <Card withBorder radius="md" p="lg" component="section" aria-labelledby="domains-title">
      <Stack gap="md">
        <Title order={2} fz="h3" id="domains-title">
          {t('domains.title')}
        </Title>
        <Text size="sm">{t('domains.text')}</Text>
        {!allowed ? (
          <Alert color="gray" variant="light">
            {t('domains.notAllowed')}
          </Alert>
        ) : (
          <>
            {domains.isPending ? (
              <ListSkeleton rows={2} />
            ) : domains.isError ? (
              <ErrorAlert error={domains.error} />
            ) : domains.data.items.length === 0 ? (
              <Text size="sm" fs="italic">
                {t('domains.empty')}
              </Text>
            ) : (
              domains.data.items.map((d) => <DomainRow key={d.id} orgId={orgId} domain={d} />)
            )}
            <form
              noValidate
              onSubmit={form.onSubmit((values) => {
                server.clear();
                add.mutate(values.domain.trim(), {
                  onSuccess: () => {
                    form.reset();
                    notify.success(t('domains.added'));
                  },
                  onError: server.handle,
                });
              })}
            >
              <Group align="flex-end" gap="sm">
                <TextInput
                  label={t('domains.newDomain')}
                  placeholder="example.com"
                  autoComplete="off"
                  spellCheck={false}
                  style={{ flex: 1, minWidth: 200 }}
                  {...form.getInputProps('domain')}
                />
                <Button type="submit" loading={add.isPending}>
                  {t('domains.add')}
                </Button>
              </Group>
              <ErrorAlert error={server.error} />
            </form>
          </>
        )}
      </Stack>
    </Card>
  );
}

function DomainRow({ orgId, domain }: { orgId: string; domain: OrgDomain }) {
  const { t } = useTranslation();
  const { dateTime } = useFormat();
  const describe = useDescribeError();
  const verify = useVerifyDomain(orgId);
  const update = useUpdateDomain(orgId);
  const remove = useRemoveDomain(orgId);
  const groups = useAllGroups(orgId);
  const [confirming, setConfirming] = useState(false);
  const [policy, setPolicy] = useState<DomainPolicy>(domain.policy);
  const [groupIds, setGroupIds] = useState<string[]>(domain.groupIds);
  const verified = domain.verifiedAt !== null;
  const found = isApiError(verify.error, 'domain_not_verified')
    ? ((verify.error.details as { found?: string[] } | undefined)?.found ?? [])
    : null;
  const labelId = `domain-${domain.id}`;

  return (
    <Card withBorder radius="sm" p="md" component="article" aria-labelledby={labelId}>
      <Stack gap="sm">
        <Group justify="space-between">
          <Group gap="xs">
            <Text fw={600} id={labelId}>
              {domain.domain}
            </Text>
            <Badge color={verified ? 'green' : 'orange'} variant="light" c="dark.9">
              {verified ? t('domains.verified') : t('domains.unverified')}
            </Badge>
          </Group>
          <Button variant="subtle" color="red" size="xs" onClick={() => setConfirming(true)}>
            {t('domains.remove')}
          </Button>
        </Group>
        {!verified && (
          <Stack gap={6}>
            <Text size="sm">{t('domains.recordHelp')}</Text>
            <Group gap="xs" wrap="wrap">
              <Text size="sm">{t('domains.recordType')}</Text>
              <Code>TXT</Code>
              <Text size="sm">{t('domains.recordName')}</Text>
              <Code>{domain.verificationRecord.name}</Code>
            </Group>
            <Group gap="xs" wrap="wrap">
              <Text size="sm">{t('domains.recordValue')}</Text>
              <Code data-testid="domain-record-value" style={{ overflowWrap: 'anywhere' }}>
                {domain.verificationRecord.value}
              </Code>
              <CopyButton value={domain.verificationRecord.value}>
                {({ copied, copy }) => (
                  <Button size="xs" variant="light" onClick={copy}>
                    {copied ? t('domains.copied') : t('domains.copy')}
                  </Button>
                )}
              </CopyButton>
            </Group>
            <Group>
              <Button
                size="sm"
                loading={verify.isPending}
                onClick={() =>
                  verify.mutate(domain.id, { onSuccess: () => notify.success(t('domains.verifiedToast', { domain: domain.domain })) })
                }
              >
                {t('domains.verify')}
              </Button>
            </Group>
            {verify.isError && (
              <Alert color="red" variant="light" role="alert" title={t('domains.notVerifiedTitle')}>
                <Stack gap={4}>
                  <Text size="sm">{describe(verify.error)}</Text>
                  {found && (
                    <Text size="sm">{found.length === 0 ? t('domains.foundNone') : t('domains.found', { values: found.join(' · ') })}</Text>
                  )}
                </Stack>
              </Alert>
            )}
          </Stack>
        )}
        {verified && (
          <Stack gap="sm">
            <Text size="xs" c="dimmed">
              {t('domains.verifiedAt', { date: dateTime(domain.verifiedAt!) })}
            </Text>
            <Radio.Group label={t('domains.policy')} value={policy} onChange={(v) => setPolicy(v as DomainPolicy)}>
              <Stack gap={6} mt={6}>
                {POLICIES.map((p) => (
                  <Radio key={p} value={p} label={t(`domains.policies.${p}`)} description={t(`domains.policyHelp.${p}`)} />
                ))}
              </Stack>
            </Radio.Group>
            <MultiSelect
              label={t('domains.groups')}
              description={t('domains.groupsHelp')}
              data={groupOptions(groups.data ?? [])}
              value={groupIds}
              onChange={setGroupIds}
              searchable
              comboboxProps={{ withinPortal: true }}
            />
            <Group>
              <Button
                size="sm"
                loading={update.isPending}
                onClick={() =>
                  update.mutate(
                    { domainId: domain.id, body: { policy, groupIds } },
                    { onSuccess: () => notify.success(t('domains.saved', { domain: domain.domain })) },
                  )
                }
              >
                {t('domains.save')}
              </Button>
            </Group>
            <ErrorAlert error={update.error} />
          </Stack>
        )}
      </Stack>
      <ConfirmModal
        opened={confirming}
        onClose={() => setConfirming(false)}
        title={t('domains.removeTitle', { domain: domain.domain })}
        confirmLabel={t('domains.remove')}
        danger
        loading={remove.isPending}
        onConfirm={() =>
          remove.mutate(domain.id, {
            onSuccess: () => {
              setConfirming(false);
              notify.success(t('domains.removed', { domain: domain.domain }));
            },
          })
        }
      >
        {t('domains.removeText', { domain: domain.domain })}
      </ConfirmModal>
    </Card>
  );
}
