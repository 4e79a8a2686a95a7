import { Select, Table, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Member } from '../../api/types';
import { BUILT_IN, type ProfileField, useProfileFields } from './fields.api';

// issue 15: the learners table shows profile fields as columns and filters on one of them.

const MAX_COLUMNS = 4;

/** The fields shown as columns (the first few, by key). */
export function useFieldColumns(orgId: string): ProfileField[] {
  return (useProfileFields(orgId).data?.items ?? []).slice(0, MAX_COLUMNS);
}

export function FieldHeaders({ fields }: { fields: ProfileField[] }) {
  const { i18n } = useTranslation();
  return fields.map((f) => (
    <Table.Th scope="col" key={f.key}>
      {i18n.language === 'fr' && f.label.fr ? f.label.fr : f.label.en}
    </Table.Th>
  ));
}

export function FieldCells({ fields, member }: { fields: ProfileField[]; member: Member }) {
  const { t } = useTranslation();
  return fields.map((f) => {
    const v = member.fields?.[f.key];
    const text =
      v === null || v === undefined
        ? ''
        : Array.isArray(v)
          ? v.join(', ')
          : typeof v === 'boolean'
            ? t(v ? 'profileFields.values.yes' : 'profileFields.values.no')
            : String(v);
    return <Table.Td key={f.key}>{text}</Table.Td>;
  });
}

/** Field + value filter (server-side `field` and `fieldValue` parameters). */
export function FieldFilter(o: {
  orgId: string;
  field: string | null;
  value: string;
  onField: (v: string | null) => void;
  onValue: (v: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const fields = useProfileFields(o.orgId).data?.items ?? [];
  const data = [
    ...fields.map((f) => ({ value: f.key, label: i18n.language === 'fr' && f.label.fr ? f.label.fr : f.label.en })),
    ...BUILT_IN.map((b) => ({ value: b, label: t(`profileFields.builtIn.${b}`) })),
  ];
  return (
    <>
      <Select
        label={t('profileFields.filter.field')}
        placeholder={t('profileFields.filter.anyField')}
        data={data}
        value={o.field}
        onChange={o.onField}
        clearable
        searchable
        w={200}
        comboboxProps={{ withinPortal: true }}
        clearButtonProps={{ 'aria-label': t('common.clear') }}
      />
      {o.field && (
        <TextInput label={t('profileFields.filter.value')} value={o.value} onChange={(e) => o.onValue(e.currentTarget.value)} w={180} />
      )}
    </>
  );
}
