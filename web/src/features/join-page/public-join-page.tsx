import { SsoOrgButton } from '../sso/sso-org-button';
import { Alert, Button, Radio, Select, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import type { ReactNode } from 'react';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { isApiError } from '../../api/client';
import { FullPageLoader } from '../../components/full-page-loader';
import { rules } from '../../components/validators';
import { JoinErrorAlert, useJoinServerErrors } from './join-errors';
import { JoinLayout } from './join-layout';
import { joinPageApi, type PublicJoinPage, usePublicJoinPage } from './join-page.api';

/** `/join/:slug`: the organization's name and logo, a group (and location) to choose, an address, one button. */
export function PublicJoinPageView() {
  const { t } = useTranslation();
  const { slug = '' } = useParams();
  const page = usePublicJoinPage(slug);
  if (page.isPending) return <FullPageLoader />;
  if (page.isError) {
    if (isApiError(page.error, 'join_page_unavailable', 'not_found')) return <JoinUnavailable />;
    return (
      <JoinLayout title={t('errors.title')}>
        <JoinErrorAlert error={page.error} />
      </JoinLayout>
    );
  }
  return <JoinForm slug={slug} page={page.data} />;
}

/** The same friendly answer for a page that is off and an address that names no page. */
export function JoinUnavailable() {
  const { t } = useTranslation();
  return (
    <JoinLayout title={t('joinPage.public.unavailableTitle')}>
      <Text>{t('joinPage.public.unavailableText')}</Text>
    </JoinLayout>
  );
}

type Option = { id: string; name: string };

/** One choice among a few (radio buttons) or many (a searchable list); a single option is simply shown. */
function Choice({
  label,
  options,
  required,
  ...input
}: {
  label: string;
  options: Option[];
  required: boolean;
  value: string;
  onChange: (v: string) => void;
  error?: ReactNode;
}) {
  const error = input.error;
  if (options.length === 1) {
    return (
      <Stack gap={2}>
        <Text size="sm" fw={500}>
          {label}
        </Text>
        <Text>{options[0]?.name}</Text>
      </Stack>
    );
  }
  if (options.length <= 8) {
    return (
      <Radio.Group label={label} withAsterisk={required} value={input.value} onChange={input.onChange} error={error}>
        <Stack gap="xs" mt="xs">
          {options.map((o) => (
            <Radio key={o.id} value={o.id} label={o.name} />
          ))}
        </Stack>
      </Radio.Group>
    );
  }
  return (
    <Select
      label={label}
      withAsterisk={required}
      data={options.map((o) => ({ value: o.id, label: o.name }))}
      searchable
      value={input.value || null}
      onChange={(v) => input.onChange(v ?? '')}
      error={error}
    />
  );
}

type Values = { groupId: string; locationId: string; email: string };

function JoinForm({ slug, page }: { slug: string; page: PublicJoinPage }) {
  const { t, i18n } = useTranslation();
  const org = page.organization.name;
  const needLocation = page.locations.length > 0;
  const form = useForm<Values>({
    initialValues: {
      groupId: page.groups.length === 1 ? (page.groups[0]?.id ?? '') : '',
      locationId: page.locations.length === 1 ? (page.locations[0]?.id ?? '') : '',
      email: '',
    },
    validate: {
      groupId: (v) => (v ? null : t('validation.required')),
      locationId: (v) => (needLocation && !v ? t('validation.required') : null),
      email: rules(t).email,
    },
  });
  const server = useJoinServerErrors(form, ['email', 'groupId', 'locationId']);
  const join = useMutation({
    mutationFn: (v: Values) =>
      joinPageApi.join(slug, { email: v.email.trim(), groupId: v.groupId, ...(v.locationId ? { locationId: v.locationId } : {}) }),
    onError: server.handle,
  });

  if (join.isSuccess) {
    return (
      <JoinLayout title={t('joinPage.public.sentTitle')} orgName={org} logoUrl={page.branding.logoUrl}>
        <Alert color="green" variant="light" role="status">
          {t('joinPage.public.sentText', { email: join.variables.email.trim() })}
        </Alert>
        <Text size="sm">{t('joinPage.public.sentHelp')}</Text>
        <Button
          variant="default"
          onClick={() => {
            form.setFieldValue('email', '');
            join.reset();
          }}
        >
          {t('joinPage.public.again')}
        </Button>
      </JoinLayout>
    );
  }

  const domains = page.allowedDomains.length
    ? new Intl.ListFormat(i18n.language, { type: 'disjunction' }).format(page.allowedDomains.map((d) => (d.startsWith('*.') ? d : `@${d}`)))
    : null;

  return (
    <JoinLayout title={t('joinPage.public.title', { org })} orgName={org} logoUrl={page.branding.logoUrl}>
      <Text size="sm">{t('joinPage.public.intro')}</Text>
      <SsoOrgButton slug={slug} />
      <form
        noValidate
        onSubmit={form.onSubmit((values) => {
          server.clear();
          join.mutate(values);
        })}
      >
        <Stack gap="md">
          <Choice
            label={t('joinPage.public.group')}
            options={page.groups}
            required
            value={form.values.groupId}
            onChange={(v) => form.setFieldValue('groupId', v)}
            error={form.errors.groupId}
          />
          {needLocation && (
            <Choice
              label={t('joinPage.public.location')}
              options={page.locations}
              required
              value={form.values.locationId}
              onChange={(v) => form.setFieldValue('locationId', v)}
              error={form.errors.locationId}
            />
          )}
          <TextInput
            label={t('joinPage.public.email')}
            description={domains ? t('joinPage.public.emailDomains', { domains }) : undefined}
            type="email"
            autoComplete="email"
            inputMode="email"
            withAsterisk
            {...form.getInputProps('email')}
          />
          <JoinErrorAlert error={server.error} />
          <Button type="submit" size="md" loading={join.isPending} fullWidth>
            {t('joinPage.public.submit')}
          </Button>
        </Stack>
      </form>
    </JoinLayout>
  );
}
