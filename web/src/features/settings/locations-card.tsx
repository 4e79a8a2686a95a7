import { Badge, Card, Group, List, Skeleton, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notify } from '../../components/notify';
import { useTranslation } from 'react-i18next';
import { ErrorAlert, useServerErrors } from '../../components/api-error';
import { GatedButton } from '../../components/gated-button';
import { rules } from '../../components/validators';
import { usePermissions } from '../orgs/orgs.api';
import { useAddLocation, useLocations } from './settings.api';

/** The organization's sites, offered on the join page. */
export function LocationsCard({ orgId }: { orgId: string }) {
  const { t } = useTranslation();
  const locations = useLocations(orgId);
  const add = useAddLocation(orgId);
  const allowed = usePermissions(orgId).can('locations.manage');
  const form = useForm({ initialValues: { name: '' }, validate: { name: rules(t).required } });
  const server = useServerErrors(form, ['name']);
  const items = locations.data?.items ?? [];

  return (
    <Card withBorder radius="md" p="lg" component="section" aria-labelledby="locations-title">
      <Stack gap="md">
        <Title order={2} fz="h3" id="locations-title">
          {t('settings.locations.title')}
        </Title>
        <Text size="sm">{t('settings.locations.text')}</Text>
        {locations.isPending ? (
          <Stack gap="xs">
            <Skeleton h={20} />
            <Skeleton h={20} />
          </Stack>
        ) : locations.isError ? (
          <ErrorAlert error={locations.error} />
        ) : items.length === 0 ? (
          <Text size="sm" fs="italic">
            {t('settings.locations.empty')}
          </Text>
        ) : (
          <List spacing={4} aria-labelledby="locations-title">
            {items.map((location) => (
              <List.Item key={location.id}>
                <Group gap="xs">
                  <span>{location.name}</span>
                  {location.archivedAt && (
                    <Badge color="gray" variant="outline" size="sm">
                      {t('status.archived')}
                    </Badge>
                  )}
                </Group>
              </List.Item>
            ))}
          </List>
        )}
        <form
          noValidate
          onSubmit={form.onSubmit((values) => {
            server.clear();
            add.mutate(values.name.trim(), {
              onSuccess: (location) => {
                form.reset();
                notify.success(t('settings.locations.added', { name: location.name }));
              },
              onError: server.handle,
            });
          })}
        >
          <Group align="flex-end" gap="sm">
            <TextInput
              label={t('settings.locations.newName')}
              disabled={!allowed}
              description={allowed ? undefined : t('permissions.locationsManage')}
              style={{ flex: 1, minWidth: 200 }}
              {...form.getInputProps('name')}
            />
            <GatedButton type="submit" allowed={allowed} reason={t('permissions.locationsManage')} loading={add.isPending}>
              {t('settings.locations.add')}
            </GatedButton>
          </Group>
          <ErrorAlert error={server.error} />
        </form>
      </Stack>
    </Card>
  );
}
