import { Anchor, Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notify } from '../../components/notify';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { isApiError } from '../../api/client';
import { ErrorAlert, useDescribeError, useServerErrors } from '../../components/api-error';
import { PublicLayout } from '../../components/public-layout';
import { rules } from '../../components/validators';
import { meKey, pickOrg, rememberOrg, useSignedIn, useSignOut } from '../account/session';
import { orgsApi } from './orgs.api';
import { JoinSuggestionsCard } from '../domains/join-suggestions-card';

type Values = { name: string; slug: string };
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export function CreateOrgPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const me = useSignedIn();
  const signOut = useSignOut();
  const describe = useDescribeError();
  const backTo = pickOrg(me);

  const form = useForm<Values>({
    initialValues: { name: '', slug: '' },
    validate: {
      name: rules(t).required,
      slug: (value) => (!value.trim() || SLUG.test(value.trim()) ? null : t('validation.slug')),
    },
  });
  const server = useServerErrors(form, ['name', 'slug']);

  const create = useMutation({
    mutationFn: (values: Values) => orgsApi.create({ name: values.name.trim(), slug: values.slug.trim() || undefined }),
    onSuccess: async (org) => {
      rememberOrg(org.id);
      await queryClient.invalidateQueries({ queryKey: meKey });
      notify.success(t('orgs.create.done', { name: org.name }));
      navigate(`/orgs/${org.id}/learners`);
    },
    onError: (error) => {
      if (isApiError(error, 'slug_taken')) form.setFieldError('slug', describe(error));
      else server.handle(error);
    },
  });

  return (
    <PublicLayout title={t('orgs.create.title')} width={480}>
      <JoinSuggestionsCard />
      <Text size="sm">{t('orgs.create.text', { name: me.account.name })}</Text>
      <form
        noValidate
        onSubmit={form.onSubmit((values) => {
          server.clear();
          create.mutate(values);
        })}
      >
        <Stack gap="md">
          <TextInput label={t('orgs.fields.name')} withAsterisk autoComplete="organization" {...form.getInputProps('name')} />
          <TextInput
            label={t('orgs.fields.slug')}
            description={t('orgs.fields.slugHelp')}
            autoComplete="off"
            {...form.getInputProps('slug')}
          />
          <ErrorAlert error={server.error} />
          <Button type="submit" loading={create.isPending} fullWidth>
            {t('orgs.create.submit')}
          </Button>
        </Stack>
      </form>
      <Group justify="space-between">
        {backTo ? (
          <Anchor component={Link} to={`/orgs/${backTo}/learners`} size="sm">
            {t('orgs.create.back')}
          </Anchor>
        ) : (
          <span />
        )}
        <Anchor
          component="button"
          type="button"
          size="sm"
          onClick={() => signOut.mutate(undefined, { onSettled: () => navigate('/sign-in') })}
        >
          {t('account.signOut')}
        </Anchor>
      </Group>
    </PublicLayout>
  );
}
