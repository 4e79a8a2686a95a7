import {
  Alert,
  Anchor,
  Button,
  Card,
  Code,
  CopyButton,
  Group,
  Image,
  MultiSelect,
  Skeleton,
  Stack,
  Switch,
  TagsInput,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { type ReactNode, useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { GatedButton } from '../../components/gated-button';
import { notify } from '../../components/notify';
import { PageHeader } from '../../components/page-header';
import { useAllGroups } from '../groups/groups.api';
import { useOrg, usePermissions } from '../orgs/orgs.api';
import { useLocations } from '../settings/settings.api';
import { JoinErrorAlert, useJoinServerErrors } from './join-errors';
import { type JoinPageInput, type JoinPageSettings, useJoinPageSettings, useSaveJoinPage } from './join-page.api';
import { invalidDomains, isReservedSlug, SLUG_PATTERN } from './join-page.rules';

/** Join page settings: on/off, its address with a copyable link, allowed email domains, groups and locations on offer, branding. */
export function JoinPageSettingsPage() {
  const { t } = useTranslation();
  const { orgId = '' } = useParams();
  const settings = useJoinPageSettings(orgId);
  return (
    <Stack gap="lg" maw={960}>
      <PageHeader title={t('nav.joinPage')} description={t('joinPage.settings.description')} />
      <Alert
        color="orange"
        variant="light"
        title={t('joinPage.settings.publicTitle')}
        styles={{ title: { color: 'var(--mantine-color-text)' } }}
      >
        {t('joinPage.settings.publicText')}
      </Alert>
      {settings.isPending ? (
        <Stack gap="md">
          <Skeleton h={80} />
          <Skeleton h={160} />
          <Skeleton h={160} />
        </Stack>
      ) : settings.isError ? (
        <JoinErrorAlert error={settings.error} />
      ) : (
        <SettingsForm orgId={orgId} saved={settings.data} />
      )}
    </Stack>
  );
}

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <Card withBorder radius="md" p="lg" component="section" aria-labelledby={id}>
      <Stack gap="md">
        <Title order={2} fz="h3" id={id}>
          {title}
        </Title>
        {children}
      </Stack>
    </Card>
  );
}

const toInput = (s: JoinPageSettings): JoinPageInput => ({
  enabled: s.enabled,
  slug: s.slug,
  allowedDomains: s.allowedDomains,
  groupIds: s.groupIds,
  locationIds: s.locationIds,
  requireApproval: s.requireApproval,
});

function SettingsForm({ orgId, saved }: { orgId: string; saved: JoinPageSettings }) {
  const { t } = useTranslation();
  const canManage = usePermissions(orgId).can('joinpage.manage');
  const org = useOrg(orgId).data;
  const groups = useAllGroups(orgId);
  const locations = useLocations(orgId);
  const save = useSaveJoinPage(orgId);

  const form = useForm<JoinPageInput>({
    initialValues: toInput(saved),
    validateInputOnChange: ['slug', 'allowedDomains'],
    validate: {
      slug: (value) => {
        const slug = value.trim().toLowerCase();
        if (!SLUG_PATTERN.test(slug)) return t('joinPage.settings.slugFormat');
        if (isReservedSlug(slug)) return t('joinPage.settings.slugReserved');
        return null;
      },
      allowedDomains: (value) => {
        const bad = invalidDomains(value);
        return bad.length ? t('joinPage.settings.domainInvalid', { entries: bad.join(', ') }) : null;
      },
      groupIds: (value, values) => (values.enabled && value.length === 0 ? t('joinPage.settings.groupsRequired') : null),
    },
  });
  const server = useJoinServerErrors(form, ['slug', 'allowedDomains', 'groupIds', 'locationIds'], (err) => {
    const invalid = (err.details as { invalid?: unknown } | undefined)?.invalid;
    if (err.code === 'invalid_domain' && Array.isArray(invalid))
      return { allowedDomains: t('joinPage.settings.domainInvalid', { entries: invalid.join(', ') }) };
    return undefined;
  });

  // After a save, the form shows what the server stored (normalized domains, for instance).
  const shown = useRef(saved);
  useEffect(() => {
    if (shown.current === saved) return;
    shown.current = saved;
    form.setValues(toInput(saved));
    form.resetDirty(toInput(saved));
  }, [saved, form]);

  const slug = form.values.slug.trim().toLowerCase();
  const base = saved.url.slice(0, saved.url.lastIndexOf('/join/')) || window.location.origin;
  const preview = `${base}/join/${slug}`;
  const live = saved.enabled && saved.slug === slug;

  const groupOptions = (groups.data ?? []).map((g) => ({ value: g.id, label: g.name }));
  const locationOptions = (locations.data?.items ?? []).filter((l) => !l.archivedAt).map((l) => ({ value: l.id, label: l.name }));
  const byId = new Map((groups.data ?? []).map((g) => [g.id, g]));
  const branded = form.values.groupIds.map((id) => byId.get(id)).find((g) => g?.logoUrl);
  const firstOffered = form.values.groupIds.map((id) => byId.get(id)).find(Boolean);

  const submit = form.onSubmit((values) => {
    server.clear();
    const body = {
      ...values,
      slug: values.slug.trim().toLowerCase(),
      allowedDomains: values.allowedDomains.map((d) => d.trim()).filter(Boolean),
    };
    save.mutate(body, {
      onSuccess: (res) =>
        notify.success(
          res.enabled === saved.enabled
            ? t('joinPage.settings.saved')
            : res.enabled
              ? t('joinPage.settings.savedOn')
              : t('joinPage.settings.savedOff'),
        ),
      onError: server.handle,
    });
  });

  return (
    <form noValidate onSubmit={submit}>
      <Stack gap="lg">
        <Section id="join-status" title={t('joinPage.settings.statusTitle')}>
          <Switch
            label={t('joinPage.settings.enabled')}
            description={t('joinPage.settings.enabledHelp')}
            disabled={!canManage}
            {...form.getInputProps('enabled', { type: 'checkbox' })}
          />
          <Switch
            label={t('domains.joinPage.requireApproval')}
            description={t('domains.joinPage.requireApprovalHelp')}
            disabled={!canManage}
            {...form.getInputProps('requireApproval', { type: 'checkbox' })}
          />
        </Section>

        <Section id="join-address" title={t('joinPage.settings.addressTitle')}>
          <TextInput
            label={t('joinPage.settings.slug')}
            description={t('joinPage.settings.slugHelp')}
            leftSection={
              <Text size="sm" c="dimmed">
                /join/
              </Text>
            }
            leftSectionWidth={56}
            autoComplete="off"
            spellCheck={false}
            withAsterisk
            readOnly={!canManage}
            {...form.getInputProps('slug')}
          />
          <Stack gap={6}>
            <Text size="sm" fw={500} id="join-preview-label">
              {t('joinPage.settings.preview')}
            </Text>
            <Group gap="sm" wrap="wrap" align="center">
              <Code aria-labelledby="join-preview-label" data-testid="join-link-preview" style={{ overflowWrap: 'anywhere' }}>
                {preview}
              </Code>
              <CopyButton value={preview}>
                {({ copied, copy }) => (
                  <Button size="xs" variant="light" onClick={copy} disabled={!form.isValid('slug')}>
                    {copied ? t('joinPage.settings.copied') : t('joinPage.settings.copy')}
                  </Button>
                )}
              </CopyButton>
              {live && (
                <Anchor href={preview} target="_blank" rel="noopener" size="sm">
                  {t('joinPage.settings.open')}
                </Anchor>
              )}
            </Group>
            {!live && form.values.enabled && (
              <Text size="xs" c="dimmed">
                {t('joinPage.settings.notSavedYet')}
              </Text>
            )}
          </Stack>
        </Section>

        <Section id="join-who" title={t('joinPage.settings.whoTitle')}>
          <TagsInput
            label={t('joinPage.settings.domains')}
            description={t('joinPage.settings.domainsHelp')}
            placeholder={t('joinPage.settings.domainsPlaceholder')}
            splitChars={[',', ' ', ';']}
            acceptValueOnBlur
            clearable
            readOnly={!canManage}
            {...form.getInputProps('allowedDomains')}
          />
          {form.values.allowedDomains.length === 0 && (
            <Text size="sm" c="dimmed">
              {t('joinPage.settings.anyone')}
            </Text>
          )}
        </Section>

        <Section id="join-offer" title={t('joinPage.settings.offerTitle')}>
          {groups.isSuccess && groupOptions.length === 0 ? (
            <Alert color="blue" variant="light">
              <Stack gap="xs" align="flex-start">
                <Text size="sm">{t('joinPage.settings.noGroups')}</Text>
                <Anchor component={Link} to={`/orgs/${orgId}/groups`} size="sm">
                  {t('joinPage.settings.createGroup')}
                </Anchor>
              </Stack>
            </Alert>
          ) : (
            <MultiSelect
              label={t('joinPage.settings.groups')}
              description={t('joinPage.settings.groupsHelp')}
              data={groupOptions}
              searchable
              clearable
              disabled={!canManage || groups.isPending}
              {...form.getInputProps('groupIds')}
            />
          )}
          {locations.isSuccess && locationOptions.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('joinPage.settings.noLocations')}{' '}
              <Anchor component={Link} to={`/orgs/${orgId}/settings`} size="sm">
                {t('joinPage.settings.addLocations')}
              </Anchor>
            </Text>
          ) : (
            <MultiSelect
              label={t('joinPage.settings.locations')}
              description={t('joinPage.settings.locationsHelp')}
              data={locationOptions}
              searchable
              clearable
              disabled={!canManage || locations.isPending}
              {...form.getInputProps('locationIds')}
            />
          )}
        </Section>

        <Section id="join-branding" title={t('joinPage.settings.brandingTitle')}>
          <Text size="sm">{t('joinPage.settings.brandingText')}</Text>
          <Group gap="sm" wrap="nowrap">
            {branded?.logoUrl && (
              <Image
                src={branded.logoUrl}
                alt={t('joinPage.settings.logoOf', { name: branded.name })}
                h={48}
                w={48}
                fit="contain"
                radius="sm"
              />
            )}
            <Text fw={600}>{org?.name}</Text>
          </Group>
          {!branded && (
            <Text size="sm" c="dimmed">
              {t('joinPage.settings.brandingNoLogo')}
            </Text>
          )}
          {(branded ?? firstOffered) && (
            <Anchor component={Link} to={`/orgs/${orgId}/groups/${(branded ?? firstOffered)!.id}`} size="sm">
              {t('joinPage.settings.brandingEdit', { group: (branded ?? firstOffered)!.name })}
            </Anchor>
          )}
        </Section>

        <JoinErrorAlert error={server.error} />
        <Group>
          <GatedButton type="submit" allowed={canManage} reason={t('joinPage.settings.notAllowed')} loading={save.isPending}>
            {t('joinPage.settings.save')}
          </GatedButton>
        </Group>
      </Stack>
    </form>
  );
}
