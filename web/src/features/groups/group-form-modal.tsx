import { Select, Stack, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { GroupDetail } from '../../api/types';
import { ErrorAlert, useServerErrors } from '../../components/api-error';
import { FormActions, FormModal } from '../../components/form-modal';
import { MemberPicker } from '../../components/member-picker';
import { notify } from '../../components/notify';
import { rules } from '../../components/validators';
import { buildTree, type GroupInput, groupOptions, groupsApi, subtreeIds, useAllGroups, useGroupMutation } from './groups.api';

type Values = {
  name: string;
  parentId: string | null;
  description: string;
  welcomeMessage: string;
  defaultReferentId: string | null;
};

const FIELDS = ['name', 'parentId', 'description', 'welcomeMessage', 'defaultReferentId'] as const;

type Props = {
  orgId: string;
  opened: boolean;
  onClose: () => void;
  /** The group to edit; without it, the modal creates one. */
  group?: GroupDetail;
  /** Preselected parent when creating a sub-group. */
  parentId?: string | null;
  onCreated?: (group: GroupDetail) => void;
};

/** Create a group, or rename, describe, move it and set its default referent. */
export function GroupFormModal(props: Props) {
  const { t } = useTranslation();
  return (
    <FormModal
      opened={props.opened}
      onClose={props.onClose}
      title={props.group ? t('groups.form.editTitle', { name: props.group.name }) : t('groups.form.createTitle')}
    >
      <GroupForm {...props} />
    </FormModal>
  );
}

function GroupForm({ orgId, onClose, group, parentId, onCreated }: Props) {
  const { t } = useTranslation();
  const groups = useAllGroups(orgId);
  const form = useForm<Values>({
    initialValues: {
      name: group?.name ?? '',
      parentId: group ? group.parentId : (parentId ?? null),
      description: group?.description ?? '',
      welcomeMessage: group?.welcomeMessage ?? '',
      defaultReferentId: group?.defaultReferent?.id ?? null,
    },
    validate: { name: rules(t).required },
    validateInputOnBlur: true,
  });
  const server = useServerErrors(form, FIELDS);

  const parentOptions = useMemo(() => {
    const all = groups.data ?? [];
    if (!group) return groupOptions(all);
    // A group cannot go under itself or its own sub-groups (the server says group_cycle too).
    const node = buildTree(all).byId.get(group.id);
    return groupOptions(all, node ? subtreeIds(node) : new Set([group.id]));
  }, [groups.data, group]);

  const save = useGroupMutation(orgId, (values: Values) => {
    if (!group) {
      return groupsApi.create(orgId, {
        name: values.name.trim(),
        parentId: values.parentId,
        description: values.description.trim() || null,
        welcomeMessage: values.welcomeMessage.trim() || null,
      });
    }
    // Only what changed: moving a group re-enrols its members, so do not send an unchanged parent.
    const patch: GroupInput = {};
    if (values.name.trim() !== group.name) patch.name = values.name.trim();
    if (values.parentId !== group.parentId) patch.parentId = values.parentId;
    if ((values.description.trim() || null) !== group.description) patch.description = values.description.trim() || null;
    if (values.defaultReferentId !== (group.defaultReferent?.id ?? null)) patch.defaultReferentId = values.defaultReferentId;
    return groupsApi.update(orgId, group.id, patch);
  });

  return (
    <form
      noValidate
      onSubmit={form.onSubmit((values) => {
        server.clear();
        save.mutate(values, {
          onSuccess: (saved) => {
            notify.success(group ? t('groups.form.saved', { name: saved.name }) : t('groups.form.created', { name: saved.name }));
            onClose();
            if (!group) onCreated?.(saved);
          },
          onError: server.handle,
        });
      })}
    >
      <Stack gap="md">
        <TextInput label={t('groups.fields.name')} withAsterisk data-autofocus {...form.getInputProps('name')} />
        <Select
          label={t('groups.fields.parent')}
          description={t('groups.fields.parentHelp')}
          placeholder={t('groups.fields.noParent')}
          data={parentOptions}
          searchable
          clearable
          nothingFoundMessage={t('groups.fields.noGroupFound')}
          comboboxProps={{ withinPortal: true }}
          clearButtonProps={{ 'aria-label': t('common.clear') }}
          {...form.getInputProps('parentId')}
        />
        <Textarea label={t('groups.fields.description')} autosize minRows={2} maxRows={6} {...form.getInputProps('description')} />
        {group ? (
          <MemberPicker
            orgId={orgId}
            staffOnly
            label={t('groups.fields.referent')}
            description={t('groups.fields.referentHelp')}
            current={group.defaultReferent}
            value={form.values.defaultReferentId}
            onChange={(value) => form.setFieldValue('defaultReferentId', value)}
            error={form.errors.defaultReferentId}
          />
        ) : (
          <Textarea
            label={t('groups.fields.welcomeMessage')}
            description={t('groups.fields.welcomeHelp')}
            autosize
            minRows={3}
            maxRows={10}
            {...form.getInputProps('welcomeMessage')}
          />
        )}
        <ErrorAlert error={server.error} />
        <FormActions onCancel={onClose} submitLabel={group ? t('common.save') : t('groups.form.create')} loading={save.isPending} />
      </Stack>
    </form>
  );
}
