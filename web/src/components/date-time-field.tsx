import { DateTimePicker, type DateTimePickerProps } from '@mantine/dates';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../app/format';

type Props = Omit<DateTimePickerProps, 'value' | 'onChange'> & {
  /** Local date and time as Mantine gives it: `YYYY-MM-DD HH:mm:ss`. */
  value: string | null;
  onChange: (value: string | null) => void;
};

/** Mantine's DateTimePicker with translated controls and the value shown in the reader's locale. */
export function DateTimeField({ value, onChange, ...props }: Props) {
  const { t } = useTranslation();
  const { dateTime } = useFormat();
  return (
    <DateTimePicker
      value={value}
      onChange={(next) => onChange(next ? dayjs(next).format('YYYY-MM-DD HH:mm:ss') : null)}
      valueFormat={(v) => dateTime(dayjs(v).toISOString())}
      ariaLabels={{
        nextMonth: t('dates.nextMonth'),
        previousMonth: t('dates.previousMonth'),
        nextYear: t('dates.nextYear'),
        previousYear: t('dates.previousYear'),
        nextDecade: t('dates.nextDecade'),
        previousDecade: t('dates.previousDecade'),
        monthLevelControl: t('dates.pickYear'),
        yearLevelControl: t('dates.pickDecade'),
      }}
      timePickerProps={{
        hoursInputLabel: t('dates.hours'),
        minutesInputLabel: t('dates.minutes'),
        'aria-label': t('dates.time'),
      }}
      submitButtonProps={{ 'aria-label': t('dates.confirm') }}
      clearButtonProps={{ 'aria-label': t('common.clear') }}
      popoverProps={{ withinPortal: true }}
      {...props}
    />
  );
}

/** A local `YYYY-MM-DD HH:mm:ss` value as an ISO 8601 instant for the API. */
export function toInstant(value: string): string {
  return dayjs(value).toISOString();
}

/** Now, to the minute, as a picker value. */
export function nowValue(): string {
  return dayjs().second(0).format('YYYY-MM-DD HH:mm:ss');
}
