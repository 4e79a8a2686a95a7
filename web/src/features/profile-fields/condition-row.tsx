import { ActionIcon, Group, Select, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { BUILT_IN, type Condition, OPS, type ProfileField } from './fields.api';

export type Draft = { field: string; op: Condition['op']; value: string };

/** The value a draft condition sends: a list for `in` (comma-separated), nothing for `empty`. */
export function toCondition(d: Draft): Condition {
  if (d.op === 'empty') return { field: d.field, op: d.op, value: true };
  if (d.op === 'in')
    return {
      field: d.field,
      op: d.op,
      value: d.value
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean),
    };
  return { field: d.field, op: d.op, value: d.value.trim() };
}

export function fromCondition(c: Condition): Draft {
  const v = Array.isArray(c.value)
    ? c.value.join(', ')
    : c.value === null || c.value === undefined || c.op === 'empty'
      ? ''
      : String(c.value);
  return { field: c.field, op: c.op, value: v };
}

type Props = { n: number; draft: Draft; fields: ProfileField[]; onChange: (d: Draft) => void; onRemove: () => void; canRemove: boolean };

/** One condition of a rule: field, operator, value. */
export function ConditionRow({ n, draft, fields, onChange, onRemove, canRemove }: Props) {
  const { t, i18n } = useTranslation();
  const label = (f: ProfileField) => (i18n.language === 'fr' && f.label.fr ? f.label.fr : f.label.en);
  const field = fields.find((f) => f.key === draft.field);
  const fieldData = [
    ...fields.map((f) => ({ value: f.key, label: label(f) })),
    ...BUILT_IN.map((b) => ({ value: b, label: t(`profileFields.builtIn.${b}`) })),
  ];
  const options = field?.options ?? [];
  const name = t('profileFields.rule.conditionN', { n });
  return (
    <Group align="flex-end" gap="xs" role="group" aria-label={name}>
      <Select
        label={t('profileFields.rule.field')}
        data={fieldData}
        value={draft.field || null}
        onChange={(v) => onChange({ ...draft, field: v ?? '', value: '' })}
        searchable
        allowDeselect={false}
        w={200}
        comboboxProps={{ withinPortal: true }}
      />
      <Select
        label={t('profileFields.rule.op')}
        data={OPS.map((op) => ({ value: op, label: t(`profileFields.ops.${op}`) }))}
        value={draft.op}
        onChange={(v) => onChange({ ...draft, op: (v ?? 'eq') as Condition['op'] })}
        allowDeselect={false}
        w={160}
        comboboxProps={{ withinPortal: true }}
      />
      {draft.op !== 'empty' &&
        (options.length > 0 && draft.op === 'eq' ? (
          <Select
            label={t('profileFields.rule.value')}
            data={options}
            value={draft.value || null}
            onChange={(v) => onChange({ ...draft, value: v ?? '' })}
            w={200}
            comboboxProps={{ withinPortal: true }}
          />
        ) : (
          <TextInput
            label={t('profileFields.rule.value')}
            description={draft.op === 'in' ? t('profileFields.rule.valuesHint') : undefined}
            placeholder={field?.type === 'date' || draft.field === 'joined_at' ? 'YYYY-MM-DD' : undefined}
            value={draft.value}
            onChange={(e) => onChange({ ...draft, value: e.currentTarget.value })}
            w={220}
          />
        ))}
      {canRemove && (
        <ActionIcon variant="subtle" color="gray" size="lg" aria-label={t('profileFields.rule.removeCondition', { n })} onClick={onRemove}>
          ×
        </ActionIcon>
      )}
    </Group>
  );
}
