import { Checkbox, Select, Stack, TagsInput, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import { ErrorAlert, useServerErrors } from '../../components/api-error';
import { FormActions, FormModal } from '../../components/form-modal';
import { notify } from '../../components/notify';
import { rules } from '../../components/validators';
import { FIELD_TYPES, type FieldType, type ProfileField, useSaveField } from './fields.api';

type Props = { orgId: string; opened: boolean; field: ProfileField | null; onClose: () => void };

/** Creates a field, or edits one (its key and type stay: rules and imports name them). */
export function FieldFormModal({ orgId, opened, field, onClose }: Props) {
  const { t } = useTranslation();
  return (
    <FormModal
      opened={opened}
      onClose={onClose}
      title={field ? t('profileFields.form.editTitle', { key: field.key }) : t('profileFields.form.createTitle')}
    >
      <FieldForm orgId={orgId} field={field} onClose={onClose} />
    </FormModal>
  );
}

function FieldForm({ orgId, field, onClose }: Omit<Props, 'opened'>) {
  const { t } = useTranslation();
  const save = useSaveField(orgId);
  const form = useForm({
    initialValues: {
      key: field?.key ?? '',
      labelEn: field?.label.en ?? '',
      labelFr: field?.label.fr ?? '',
      type: (field?.type ?? 'text') as FieldType,
      options: field?.options ?? [],
      learnerVisible: field?.learnerVisible ?? false,
      learnerEditable: field?.learnerEditable ?? false,
    },
    validate: { key: field ? undefined : rules(t).required, labelEn: rules(t).required },
  });
  const server = useServerErrors(form, ['key', 'options', 'label.en']);
  const withOptions = form.values.type === 'choice' || form.values.type === 'multi_choice';
  return (
    <form
      noValidate
      onSubmit={form.onSubmit((v) => {
        server.clear();
        const common = {
          label: { en: v.labelEn.trim(), fr: v.labelFr.trim() || null },
          learnerVisible: v.learnerVisible,
          learnerEditable: v.learnerEditable,
          ...(withOptions ? { options: v.options } : {}),
        };
        save.mutate(field ? { id: field.id, body: common } : { body: { ...common, key: v.key.trim(), type: v.type } }, {
          onSuccess: () => {
            notify.success(t('profileFields.card.saved'));
            onClose();
          },
          onError: server.handle,
        });
      })}
    >
      <Stack gap="md">
        <TextInput
          label={t('profileFields.form.key')}
          description={t('profileFields.form.keyHint')}
          disabled={Boolean(field)}
          required
          data-autofocus
          {...form.getInputProps('key')}
        />
        <TextInput label={t('profileFields.form.labelEn')} required {...form.getInputProps('labelEn')} />
        <TextInput label={t('profileFields.form.labelFr')} {...form.getInputProps('labelFr')} />
        <Select
          label={t('profileFields.form.type')}
          data={FIELD_TYPES.map((type) => ({ value: type, label: t(`profileFields.types.${type}`) }))}
          disabled={Boolean(field)}
          allowDeselect={false}
          comboboxProps={{ withinPortal: true }}
          {...form.getInputProps('type')}
        />
        {withOptions && (
          <TagsInput
            label={t('profileFields.form.options')}
            description={t('profileFields.form.optionsHint')}
            clearable
            clearButtonProps={{ 'aria-label': t('common.clear') }}
            {...form.getInputProps('options')}
          />
        )}
        <Checkbox label={t('profileFields.form.learnerVisible')} {...form.getInputProps('learnerVisible', { type: 'checkbox' })} />
        <Checkbox label={t('profileFields.form.learnerEditable')} {...form.getInputProps('learnerEditable', { type: 'checkbox' })} />
        <ErrorAlert error={server.error} />
        <FormActions onCancel={onClose} submitLabel={t('common.save')} loading={save.isPending} />
      </Stack>
    </form>
  );
}
