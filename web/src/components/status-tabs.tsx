import { Group, Tabs, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../app/format';

type Props<S extends string> = {
  /** The tab list's accessible name. */
  label: string;
  allLabel: string;
  statuses: readonly S[];
  /** The chosen status; undefined for "all". */
  value: S | undefined;
  /** Null for "all". */
  onChange: (status: S | null) => void;
  /** The number shown beside a tab's name, when known. */
  countOf: (status: S | 'all') => number | undefined;
};

/** Tabs that filter a list by status, each with its count ("Pending 1,204 · Active 8,311 …"). */
export function StatusTabs<S extends string>({ label, allLabel, statuses, value, onChange, countOf }: Props<S>) {
  const { t } = useTranslation();
  const { number } = useFormat();
  const tabLabel = (s: S | 'all') => {
    const count = countOf(s);
    return (
      <Group gap={6} wrap="nowrap">
        <span>{s === 'all' ? allLabel : t(`status.${s}`)}</span>
        {count !== undefined && (
          <Text span size="xs" fw={700} c="dimmed">
            {number(count)}
          </Text>
        )}
      </Group>
    );
  };
  return (
    <Tabs value={value ?? 'all'} onChange={(next) => onChange(next === 'all' ? null : (next as S | null))}>
      <Tabs.List aria-label={label}>
        <Tabs.Tab value="all">{tabLabel('all')}</Tabs.Tab>
        {statuses.map((s) => (
          <Tabs.Tab key={s} value={s}>
            {tabLabel(s)}
          </Tabs.Tab>
        ))}
      </Tabs.List>
    </Tabs>
  );
}
