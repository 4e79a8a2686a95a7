import { Badge, Button, Card, Group, Skeleton, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/api-error';
import { ConfirmModal } from '../../components/confirm-modal';
import { GatedButton } from '../../components/gated-button';
import { notify } from '../../components/notify';
import { ActionsHeader } from '../../components/table-states';
import { usePermissions } from '../orgs/orgs.api';
import { FieldFormModal } from './field-form-modal';
import { type ProfileField, useDeleteField, useProfileFields } from './fields.api';

/** Settings → Profile fields: what the organization keeps about each member. */
export function ProfileFieldsCard({ orgId }: { orgId: string }) {
  const { t, i18n } = useTranslation();
  const fields = useProfileFields(orgId);
  const allowed = usePermissions(orgId).can('fields.manage');
  const remove = useDeleteField(orgId);
  const [editing, setEditing] = useState<ProfileField | null>(null);
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<ProfileField | null>(null);
  const items = fields.data?.items ?? [];
  const reason = t('profileFields.card.onlyAdmins');
  const labelOf = (f: ProfileField) => (i18n.language === 'fr' && f.label.fr ? f.label.fr : f.label.en);

  return (
    <Card withBorder radius="md" p="lg" component="section" aria-labelledby="profile-fields-title">
      <Stack gap="md">
        <Group justify="space-between">
          <Title order={2} fz="h3" id="profile-fields-title">
            {t('profileFields.card.title')}
          </Title>
          <GatedButton allowed={allowed} reason={reason} onClick={() => setCreating(true)}>
            {t('profileFields.card.add')}
          </GatedButton>
        </Group>
        <Text size="sm">{t('profileFields.card.text')}</Text>
        {fields.isPending ? (
          <Skeleton h={40} />
        ) : fields.isError ? (
          <ErrorAlert error={fields.error} />
        ) : items.length === 0 ? (
          <Text size="sm" fs="italic">
            {t('profileFields.card.empty')}
          </Text>
        ) : (
          <Table aria-label={t('profileFields.card.label')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('profileFields.form.key')}</Table.Th>
                <Table.Th scope="col">{t('profileFields.form.labelEn')}</Table.Th>
                <Table.Th scope="col">{t('profileFields.form.type')}</Table.Th>
                <Table.Th scope="col">{t('profileFields.form.options')}</Table.Th>
                <ActionsHeader />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((f) => (
                <Table.Tr key={f.id}>
                  <Table.Td>
                    <code>{f.key}</code>
                  </Table.Td>
                  <Table.Td>{labelOf(f)}</Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {t(`profileFields.types.${f.type}`)}
                      {f.usedByGroups > 0 && (
                        <Badge size="sm" variant="light">
                          {t('profileFields.card.usedBy', { count: f.usedByGroups })}
                        </Badge>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>{f.options.join(', ')}</Table.Td>
                  <Table.Td ta="right">
                    <Group gap="xs" justify="flex-end" wrap="nowrap">
                      <Button
                        size="xs"
                        variant="default"
                        disabled={!allowed}
                        onClick={() => setEditing(f)}
                        aria-label={`${t('profileFields.card.edit')} ${f.key}`}
                      >
                        {t('profileFields.card.edit')}
                      </Button>
                      <Button
                        size="xs"
                        variant="outline"
                        color="red.9"
                        disabled={!allowed}
                        onClick={() => setDeleting(f)}
                        aria-label={`${t('profileFields.card.delete')} ${f.key}`}
                      >
                        {t('profileFields.card.delete')}
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
      <FieldFormModal
        orgId={orgId}
        opened={creating || editing !== null}
        field={editing}
        onClose={() => {
          setCreating(false);
          setEditing(null);
        }}
      />
      <ConfirmModal
        opened={deleting !== null}
        onClose={() => setDeleting(null)}
        title={t('profileFields.card.deleteTitle', { key: deleting?.key ?? '' })}
        confirmLabel={t('profileFields.card.delete')}
        danger
        loading={remove.isPending}
        error={remove.error}
        onConfirm={() =>
          deleting &&
          remove.mutate(deleting.id, {
            onSuccess: (res) => {
              notify.success(t('profileFields.card.deleted'));
              if (res.brokenGroups.length)
                notify.error(t('profileFields.card.brokenGroups', { names: res.brokenGroups.map((g) => g.name).join(', ') }));
              setDeleting(null);
            },
          })
        }
      >
        <Text size="sm">{t('profileFields.card.deleteText')}</Text>
      </ConfirmModal>
    </Card>
  );
}
