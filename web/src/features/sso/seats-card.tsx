import { Button, Card, Group, NumberInput, Progress, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { ErrorAlert } from '../../components/api-error';
import { notify } from '../../components/notify';

export type Seats = { seatLimit: number | null; seatsUsed: number };

/** Seats used and left, with the limit (owners, admins): for the organization or a group (`path` is the one PATCHed). */
export function SeatsCard({
  seats,
  path,
  queryKey,
  allowed,
}: {
  seats: Seats | undefined;
  path: string;
  queryKey: readonly unknown[];
  allowed: boolean;
}) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [limit, setLimit] = useState<number | string>('');
  useEffect(() => {
    setLimit(seats?.seatLimit ?? '');
  }, [seats?.seatLimit]);
  const save = useMutation({
    mutationFn: () => api.patch(path, { seatLimit: limit === '' ? null : Number(limit) }),
    onSuccess: async () => {
      notify.success(t('sso.seats.saved'));
      await qc.invalidateQueries({ queryKey });
    },
  });
  if (!seats) return null;
  const { seatLimit, seatsUsed } = seats;
  return (
    <Card withBorder radius="md" p="lg" component="section" aria-labelledby="seats-title">
      <Stack gap="sm">
        <Title order={2} fz="h3" id="seats-title">
          {t('sso.seats.title')}
        </Title>
        <Text size="sm">{t('sso.seats.text')}</Text>
        <Text fw={500} data-testid="seats-used">
          {seatLimit === null
            ? t('sso.seats.usedUnlimited', { used: seatsUsed })
            : t('sso.seats.used', { used: seatsUsed, limit: seatLimit, left: Math.max(0, seatLimit - seatsUsed) })}
        </Text>
        {seatLimit !== null && seatLimit > 0 && (
          <Progress
            value={Math.min(100, (seatsUsed * 100) / seatLimit)}
            color={seatsUsed >= seatLimit ? 'red' : seatsUsed * 10 >= seatLimit * 9 ? 'orange' : 'blue'}
            aria-label={t('sso.seats.title')}
          />
        )}
        {allowed && (
          <Group align="flex-end">
            <NumberInput
              label={t('sso.seats.limit')}
              description={t('sso.seats.limitHint')}
              min={0}
              allowDecimal={false}
              value={limit}
              onChange={setLimit}
              w={220}
            />
            <Button loading={save.isPending} onClick={() => save.mutate()}>
              {t('sso.seats.save')}
            </Button>
          </Group>
        )}
        <ErrorAlert error={save.error} />
      </Stack>
    </Card>
  );
}
