import { MultiSelect, NumberInput, Select, Skeleton, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/api-error';
import { FormActions, FormModal } from '../../components/form-modal';
import { notify } from '../../components/notify';
import { type FieldValues, type ProfileField, useMemberDetail, useProfileFields, useSaveMemberFields } from './fields.api';

type Target = { accountId: string; name: string };

/** The member's profile-field values, edited by an admin (rule-based groups follow on save). */
export function MemberFieldsModal({ orgId, member, onClose }: { orgId: string; member: Target | null; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <FormModal opened={member !== null} onClose={onClose} title={t('profileFields.member.title', { name: member?.name ?? '' })}>
      {member && <MemberFieldsForm orgId={orgId} member={member} onClose={onClose} />}
    </FormModal>
  );
}

function MemberFieldsForm({ orgId, member, onClose }: { orgId: string; member: Target; onClose: () => void }) {
  const { t } = useTranslation();
  const fields = useProfileFields(orgId);
  const detail = useMemberDetail(orgId, member.accountId);
  if (fields.isPending || detail.isPending) return <Skeleton h={120} />;
  if (fields.isError || detail.isError) return <ErrorAlert error={fields.error ?? detail.error} />;
  if (fields.data.items.length === 0) return <Text size="sm">{t('profileFields.member.none')}</Text>;
  return (
    <ValuesForm orgId={orgId} accountId={member.accountId} fields={fields.data.items} initial={detail.data.fields} onClose={onClose} />
  );
}

function ValuesForm(o: { orgId: string; accountId: string; fields: ProfileField[]; initial: FieldValues; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const save = useSaveMemberFields(o.orgId);
  const [values, setValues] = useState<FieldValues>(() => Object.fromEntries(o.fields.map((f) => [f.key, o.initial[f.key] ?? null])));
  const set = (key: string, v: FieldValues[string]) => setValues({ ...values, [key]: v });
  const label = (f: ProfileField) => (i18n.language === 'fr' && f.label.fr ? f.label.fr : f.label.en);
  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate(
          { accountId: o.accountId, fields: values },
          {
            onSuccess: () => {
              notify.success(t('profileFields.member.saved'));
              o.onClose();
            },
          },
        );
      }}
    >
      <Stack gap="md">
        {o.fields.map((f) => (
          <FieldInput key={f.key} field={f} label={label(f)} value={values[f.key]} onChange={(v) => set(f.key, v)} />
        ))}
        <ErrorAlert error={save.error} />
        <FormActions onCancel={o.onClose} submitLabel={t('common.save')} loading={save.isPending} />
      </Stack>
    </form>
  );
}

type Value = FieldValues[string];

/** One value's input, by the field's type (shared with the learner's own profile card). */
export function FieldInput({
  field: f,
  label,
  value: v,
  onChange,
}: {
  field: Pick<ProfileField, 'type' | 'options'>;
  label: string;
  value: Value | undefined;
  onChange: (v: Value) => void;
}) {
  const { t } = useTranslation();
  const common = { label };
  if (f.type === 'choice')
    return (
      <Select
        {...common}
        data={f.options}
        value={typeof v === 'string' ? v : null}
        onChange={(x) => onChange(x)}
        clearable
        comboboxProps={{ withinPortal: true }}
        clearButtonProps={{ 'aria-label': t('common.clear') }}
      />
    );
  if (f.type === 'multi_choice')
    return (
      <MultiSelect
        {...common}
        data={f.options}
        value={Array.isArray(v) ? v : []}
        onChange={(x) => onChange(x)}
        comboboxProps={{ withinPortal: true }}
      />
    );
  if (f.type === 'boolean')
    return (
      <Select
        {...common}
        data={[
          { value: 'true', label: t('profileFields.values.yes') },
          { value: 'false', label: t('profileFields.values.no') },
        ]}
        value={v === null || v === undefined ? null : String(v)}
        onChange={(x) => onChange(x === null ? null : x === 'true')}
        clearable
        comboboxProps={{ withinPortal: true }}
        clearButtonProps={{ 'aria-label': t('common.clear') }}
      />
    );
  if (f.type === 'number')
    return <NumberInput {...common} value={typeof v === 'number' ? v : ''} onChange={(x) => onChange(typeof x === 'number' ? x : null)} />;
  return (
    <TextInput
      {...common}
      placeholder={f.type === 'date' ? 'YYYY-MM-DD' : undefined}
      value={typeof v === 'string' ? v : ''}
      onChange={(e) => onChange(e.currentTarget.value || null)}
    />
  );
}
