import { Paper, SimpleGrid, Text } from '@mantine/core';
import { useFormat } from '../app/format';

export type Stat = { key: string; label: string; value: number; help?: string };

/** Numbers side by side, as a description list (label, then number). */
export function StatCards({ stats }: { stats: Stat[] }) {
  const { number } = useFormat();
  return (
    <SimpleGrid component="dl" cols={{ base: 2, sm: 3, lg: Math.min(stats.length, 6) }} spacing="sm" m={0}>
      {stats.map((s) => (
        <Paper key={s.key} withBorder radius="md" p="sm" data-stat={s.key}>
          <Text component="dt" size="sm" c="dimmed">
            {s.label}
          </Text>
          <Text component="dd" fz={28} fw={700} m={0} lh={1.2}>
            {number(s.value)}
          </Text>
          {s.help && (
            <Text component="dd" size="xs" c="dimmed" m={0}>
              {s.help}
            </Text>
          )}
        </Paper>
      ))}
    </SimpleGrid>
  );
}
