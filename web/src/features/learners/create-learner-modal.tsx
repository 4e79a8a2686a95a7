import { Button, Group, Modal, MultiSelect, Select, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/client';
import type { Role } from '../../api/types';
import { ErrorAlert, useDescribeError, useServerErrors } from '../../components/api-error';
import { notify } from '../../components/notify';
import { rules } from '../../components/validators';
import { groupOptions, useAllGroups } from '../groups/groups.api';
import { usePermissions } from '../orgs/orgs.api';
import { membersApi, useInvalidateMembers } from './members.api';

type Values = { email: string; name: string; role: Role; groupIds: string[] };

/** A managed account: the organization creates it, the person gets an email to choose a password. */
export function CreateLearnerModal({ orgId, opened, onClose }: { orgId: string; opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={t('learners.create.title')}
      size="lg"
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      {opened && <CreateLearnerForm orgId={orgId} onClose={onClose} />}
    </Modal>
  );
}

function CreateLearnerForm({ orgId, onClose }: { orgId: string; onClose: () => void }) {
  const { t } = useTranslation();
  const describe = useDescribeError();
  const { grantableRoles } = usePermissions(orgId);
  const groups = useAllGroups(orgId);
  const options = useMemo(() => groupOptions(groups.data ?? []), [groups.data]);
  const invalidate = useInvalidateMembers(orgId);
  const r = rules(t);
  const form = useForm<Values>({
    initialValues: { email: '', name: '', role: 'learner', groupIds: [] },
    validate: { email: r.email, name: r.required },
    validateInputOnBlur: true,
  });
  const server = useServerErrors(form, ['email', 'name', 'role', 'groupIds']);
  const create = useMutation({
    mutationFn: (values: Values) =>
      membersApi.create(orgId, {
        email: values.email.trim(),
        name: values.name.trim(),
        role: values.role,
        groupIds: values.groupIds.length ? values.groupIds : undefined,
      }),
    onSuccess: async (created) => {
      notify.success(t('learners.create.done', { name: created.name, email: created.email }));
      await invalidate();
      onClose();
    },
    onError: (error) => {
      if (isApiError(error, 'already_member')) form.setFieldError('email', describe(error));
      else server.handle(error);
    },
  });

  return (
    <form
      noValidate
      onSubmit={form.onSubmit((values) => {
        server.clear();
        create.mutate(values);
      })}
    >
      <Stack gap="md">
        <Text size="sm">{t('learners.create.text')}</Text>
        <TextInput label={t('fields.email')} type="email" autoComplete="off" withAsterisk data-autofocus {...form.getInputProps('email')} />
        <TextInput label={t('fields.name')} autoComplete="off" withAsterisk {...form.getInputProps('name')} />
        <Select
          label={t('learners.columns.role')}
          data={grantableRoles.map((role) => ({ value: role, label: t(`roles.${role}`) }))}
          allowDeselect={false}
          comboboxProps={{ withinPortal: true }}
          {...form.getInputProps('role')}
        />
        <MultiSelect
          label={t('learners.create.groups')}
          description={t('learners.create.groupsHelp')}
          data={options}
          searchable
          clearable
          nothingFoundMessage={t('groups.fields.noGroupFound')}
          comboboxProps={{ withinPortal: true }}
          clearButtonProps={{ 'aria-label': t('common.clear') }}
          {...form.getInputProps('groupIds')}
        />
        <ErrorAlert error={server.error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={create.isPending}>
            {t('learners.create.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
