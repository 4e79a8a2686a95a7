import { Button, Card, Group, NumberInput, Stack, Switch, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../../api/client';
import type { ApiResponse } from '../../api/types';
import { ErrorAlert } from '../../components/api-error';
import { notify } from '../../components/notify';

type Settings = ApiResponse<'/api/v1/orgs/{orgId}/invitation-reminders'>;

/** Settings → invitation reminders: on or off, after how many days, how many times. */
export function InvitationRemindersCard({ orgId }: { orgId: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const key = ['orgs', orgId, 'invitation-reminders'];
  const current = useQuery({ queryKey: key, queryFn: () => api.get<Settings>(`/api/v1/orgs/${orgId}/invitation-reminders`) });
  const [form, setForm] = useState<Settings>({ enabled: false, afterDays: 3, maxCount: 2 });
  useEffect(() => {
    if (current.data) setForm(current.data);
  }, [current.data]);
  const save = useMutation({
    mutationFn: (body: Settings) => api.put<Settings>(`/api/v1/orgs/${orgId}/invitation-reminders`, body),
    onSuccess: (data) => {
      qc.setQueryData(key, data);
      notify.success(t('observers.reminders.saved'));
    },
  });
  const errors: Record<string, string> | undefined = save.error instanceof ApiError ? save.error.fieldErrors : undefined;
  return (
    <Card withBorder radius="md" component="section" aria-labelledby="invitation-reminders-title">
      <Stack gap="sm">
        <Title order={2} fz="h4" id="invitation-reminders-title">
          {t('observers.reminders.title')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('observers.reminders.intro')}
        </Text>
        {current.isError && <ErrorAlert error={current.error} />}
        {save.isError && !errors?.afterDays && !errors?.maxCount && <ErrorAlert error={save.error} />}
        <form
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate(form);
          }}
        >
          <Stack gap="sm">
            <Switch
              label={t('observers.reminders.enabled')}
              checked={form.enabled}
              onChange={(e) => setForm({ ...form, enabled: e.currentTarget.checked })}
            />
            <Group grow align="flex-start">
              <NumberInput
                label={t('observers.reminders.afterDays')}
                value={form.afterDays}
                onChange={(v) => setForm({ ...form, afterDays: Number(v) })}
                allowDecimal={false}
                error={errors?.afterDays}
              />
              <NumberInput
                label={t('observers.reminders.maxCount')}
                value={form.maxCount}
                onChange={(v) => setForm({ ...form, maxCount: Number(v) })}
                allowDecimal={false}
                error={errors?.maxCount}
              />
            </Group>
            <Group>
              <Button type="submit" loading={save.isPending}>
                {t('observers.reminders.save')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Stack>
    </Card>
  );
}
