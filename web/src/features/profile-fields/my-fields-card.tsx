import { Button, Card, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/api-error';
import { notify } from '../../components/notify';
import { type FieldValues, type MyFields, useMyFields, useSaveMyFields } from './fields.api';
import { FieldInput } from './member-fields-modal';

type Item = MyFields['items'][number];

/** On the learner home: the profile fields learners may see, and a form for those they may change. */
export function MyFieldsCard({ orgId, orgName }: { orgId: string; orgName: string }) {
  const mine = useMyFields(orgId);
  if (!mine.data || mine.data.items.length === 0) return null;
  return <MyFieldsForm orgId={orgId} orgName={orgName} items={mine.data.items} />;
}

function MyFieldsForm({ orgId, orgName, items }: { orgId: string; orgName: string; items: Item[] }) {
  const { t, i18n } = useTranslation();
  const save = useSaveMyFields(orgId);
  const editable = items.filter((f) => f.editable);
  const [values, setValues] = useState<FieldValues>(() => Object.fromEntries(editable.map((f) => [f.key, f.value])));
  const label = (f: Item) => (i18n.language === 'fr' && f.label.fr ? f.label.fr : f.label.en);
  const shown = (v: Item['value']) =>
    v === null || v === ''
      ? t('profileFields.mine.empty')
      : typeof v === 'boolean'
        ? t(v ? 'profileFields.mine.yes' : 'profileFields.mine.no')
        : Array.isArray(v)
          ? v.join(', ')
          : String(v);
  const titleId = `my-fields-${orgId}`;
  return (
    <Card withBorder radius="md" p="md" component="section" aria-labelledby={titleId}>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate(values, { onSuccess: () => notify.success(t('profileFields.mine.saved')) });
        }}
      >
        <Stack gap="sm">
          <Title order={3} fz="h4" id={titleId}>
            {t('profileFields.mine.title', { org: orgName })}
          </Title>
          {items
            .filter((f) => !f.editable)
            .map((f) => (
              <Text key={f.key} size="sm">
                {t('profileFields.mine.row', { label: label(f), value: shown(f.value) })}
              </Text>
            ))}
          {editable.map((f) => (
            <FieldInput
              key={f.key}
              field={f}
              label={label(f)}
              value={values[f.key]}
              onChange={(v) => setValues({ ...values, [f.key]: v })}
            />
          ))}
          <ErrorAlert error={save.error} />
          {editable.length > 0 && (
            <Button type="submit" loading={save.isPending} style={{ alignSelf: 'flex-start' }}>
              {t('profileFields.mine.save')}
            </Button>
          )}
        </Stack>
      </form>
    </Card>
  );
}
