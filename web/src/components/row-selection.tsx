import { Button, Checkbox, Group, Paper, Table, Text } from '@mantine/core';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** The background of a selected table row. */
export const SELECTED_ROW_BG = 'var(--mantine-color-violet-light)';

/**
 * Rows ticked in a paginated table, kept by id so a selection survives loading more pages;
 * the rows themselves are kept too, for bulk actions that need more than the id.
 */
export function useRowSelection<T>(idOf: (row: T) => string) {
  const [selected, setSelected] = useState<ReadonlyMap<string, T>>(new Map());
  return {
    size: selected.size,
    rows: [...selected.values()],
    isSelected: (row: T) => selected.has(idOf(row)),
    toggle: (row: T) =>
      setSelected((prev) => {
        const next = new Map(prev);
        const id = idOf(row);
        if (next.has(id)) next.delete(id);
        else next.set(id, row);
        return next;
      }),
    /** Ticks every shown row, or unticks them all when they all are. */
    toggleAll: (shown: readonly T[]) =>
      setSelected((prev) => {
        const next = new Map(prev);
        const allTicked = shown.every((row) => prev.has(idOf(row)));
        for (const row of shown) {
          if (allTicked) next.delete(idOf(row));
          else next.set(idOf(row), row);
        }
        return next;
      }),
    clear: () => setSelected(new Map()),
  };
}

export type RowSelection<T> = ReturnType<typeof useRowSelection<T>>;

/** The header cell that ticks or unticks every shown row. */
export function SelectAllHeader<T>({ selection, rows }: { selection: RowSelection<T>; rows: readonly T[] }) {
  const { t } = useTranslation();
  const allChecked = rows.length > 0 && rows.every(selection.isSelected);
  const someChecked = rows.some(selection.isSelected) && !allChecked;
  return (
    <Table.Th w={40}>
      <Checkbox
        aria-label={t('common.selectAllShown')}
        checked={allChecked}
        indeterminate={someChecked}
        onChange={() => selection.toggleAll(rows)}
      />
    </Table.Th>
  );
}

/** The cell that ticks one row; `name` says which row to screen readers. */
export function SelectRowCell<T>({ selection, row, name }: { selection: RowSelection<T>; row: T; name: string }) {
  const { t } = useTranslation();
  return (
    <Table.Td>
      <Checkbox aria-label={t('common.selectRow', { name })} checked={selection.isSelected(row)} onChange={() => selection.toggle(row)} />
    </Table.Td>
  );
}

type BulkBarProps = {
  /** The region's accessible name. */
  label: string;
  /** "3 selected", already translated. */
  status: string;
  clearLabel: string;
  onClear: () => void;
  /** The bulk action buttons. */
  children: ReactNode;
};

/** The bar above a table while rows are selected: how many, what can be done to them, and a way to clear. */
export function BulkBar({ label, status, clearLabel, onClear, children }: BulkBarProps) {
  return (
    <Paper withBorder p="sm" radius="md" bg="violet.0" role="region" aria-label={label}>
      <Group justify="space-between" gap="sm">
        <Text size="sm" fw={600} aria-live="polite">
          {status}
        </Text>
        <Group gap="xs">
          {children}
          <Button size="xs" variant="subtle" onClick={onClear}>
            {clearLabel}
          </Button>
        </Group>
      </Group>
    </Paper>
  );
}
