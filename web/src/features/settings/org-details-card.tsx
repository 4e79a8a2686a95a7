import { Card, Group, Skeleton, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notify } from '../../components/notify';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert, useServerErrors } from '../../components/api-error';
import { GatedButton } from '../../components/gated-button';
import { rules } from '../../components/validators';
import { meKey } from '../account/session';
import { orgKey, orgsApi, useOrg, usePermissions } from '../orgs/orgs.api';

/** Rename the organization; its slug is shown for reference. */
export function OrgDetailsCard({ orgId }: { orgId: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const org = useOrg(orgId);
  const { can } = usePermissions(orgId);
  const allowed = can('org.update');
  const form = useForm({ initialValues: { name: '' }, validate: { name: rules(t).required } });
  const server = useServerErrors(form, ['name']);

  const loadedName = org.data?.name;
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset only when the saved name changes
  useEffect(() => {
    if (loadedName !== undefined) {
      form.setInitialValues({ name: loadedName });
      form.setValues({ name: loadedName });
    }
  }, [loadedName]);

  const rename = useMutation({
    mutationFn: (name: string) => orgsApi.update(orgId, { name }),
    onSuccess: async (updated) => {
      notify.success(t('settings.org.renamed', { name: updated.name }));
      await Promise.all([queryClient.invalidateQueries({ queryKey: orgKey(orgId) }), queryClient.invalidateQueries({ queryKey: meKey })]);
    },
    onError: server.handle,
  });

  return (
    <Card withBorder radius="md" p="lg" component="section" aria-labelledby="org-details-title">
      <Stack gap="md">
        <Title order={2} fz="h3" id="org-details-title">
          {t('settings.org.title')}
        </Title>
        {org.isPending ? (
          <Skeleton h={60} />
        ) : org.isError ? (
          <ErrorAlert error={org.error} />
        ) : (
          <form
            noValidate
            onSubmit={form.onSubmit((values) => {
              server.clear();
              rename.mutate(values.name.trim());
            })}
          >
            <Stack gap="sm">
              <TextInput
                label={t('orgs.fields.name')}
                disabled={!allowed}
                description={allowed ? undefined : t('permissions.orgUpdate')}
                {...form.getInputProps('name')}
              />
              <Text size="sm">
                {t('settings.org.slugLabel')} <strong>{org.data.slug}</strong>
              </Text>
              <ErrorAlert error={server.error} />
              <Group>
                <GatedButton
                  type="submit"
                  allowed={allowed}
                  reason={t('permissions.orgUpdate')}
                  loading={rename.isPending}
                  disabled={allowed && !form.isDirty()}
                >
                  {t('common.save')}
                </GatedButton>
              </Group>
            </Stack>
          </form>
        )}
      </Stack>
    </Card>
  );
}
