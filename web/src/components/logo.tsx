import { Group, Text } from '@mantine/core';

/** The Troupe mark: three heads in a rounded square, plus the name. */
export function Logo({ size = 32, withName = true }: { size?: number; withName?: boolean }) {
  return (
    <Group gap="xs" wrap="nowrap">
      <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
        <rect width="32" height="32" rx="8" fill="var(--mantine-color-violet-8)" />
        <circle cx="11" cy="13" r="4" fill="#fff" />
        <circle cx="21" cy="13" r="4" fill="#fff" />
        <path d="M5 26c1-5 4-7 6-7s5 2 6 7zM15 26c1-5 4-7 6-7s5 2 6 7z" fill="#fff" />
      </svg>
      {withName && (
        <Text component="span" fw={700} fz={size * 0.6} c="violet.9">
          Troupe
        </Text>
      )}
    </Group>
  );
}
