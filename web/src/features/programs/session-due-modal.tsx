import { Button, Group, Modal, NumberInput, Stack, Switch } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { ProgramSession } from '../../api/types';
import { ErrorAlert } from '../../components/api-error';
import { notify } from '../../components/notify';

// Issue 15: a session's due date relative to enrolment, and the reminders sent to learners.

type DueInput = { dueDaysAfterEnrolment: number | null; remindDaysBefore: number | null; remindWhenLate: boolean };

const days = (v: string | number) => (typeof v === 'number' && v > 0 ? v : null);

/** "Due N days after enrolment" and the reminder toggles of one session. */
export function SessionDueModal({
  orgId,
  programId,
  session,
  onClose,
}: {
  orgId: string;
  programId: string;
  session: ProgramSession;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [value, setValue] = useState<DueInput>({
    dueDaysAfterEnrolment: session.dueDaysAfterEnrolment,
    remindDaysBefore: session.remindDaysBefore,
    remindWhenLate: session.remindWhenLate,
  });
  const save = useMutation({
    mutationFn: () => api.patch<ProgramSession>(`/api/v1/orgs/${orgId}/programs/${programId}/sessions/${session.id}`, value),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['orgs', orgId, 'programs'] });
      notify.success(t('dueDates.saved'));
      onClose();
    },
  });
  return (
    <Modal opened onClose={onClose} title={t('dueDates.title')} centered closeButtonProps={{ 'aria-label': t('common.close') }}>
      <Stack gap="md">
        <NumberInput
          label={t('dueDates.dueDays')}
          description={t('dueDates.dueDaysHelp')}
          value={value.dueDaysAfterEnrolment ?? ''}
          onChange={(v) => setValue({ ...value, dueDaysAfterEnrolment: days(v) })}
          min={1}
          max={3650}
        />
        <NumberInput
          label={t('dueDates.remindBefore')}
          description={t('dueDates.remindBeforeHelp')}
          value={value.remindDaysBefore ?? ''}
          onChange={(v) => setValue({ ...value, remindDaysBefore: days(v) })}
          min={1}
          max={365}
        />
        <Switch
          label={t('dueDates.remindLate')}
          checked={value.remindWhenLate}
          onChange={(e) => setValue({ ...value, remindWhenLate: e.currentTarget.checked })}
        />
        <ErrorAlert error={save.error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button onClick={() => save.mutate()} loading={save.isPending}>
            {t('dueDates.save')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
