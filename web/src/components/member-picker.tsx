import { type ComboboxItem, MultiSelect, Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { STAFF_ROLES, type Member, type Person } from '../api/types';
import { useMemberSearch } from '../features/learners/members.api';
import { useDescribeError } from './api-error';

function toOption(m: Member): ComboboxItem | null {
  if (!m.accountId) return null;
  return { value: m.accountId, label: m.name ? `${m.name} (${m.email})` : m.email };
}

/** Options from the server's search, keeping the labels of what was picked earlier. */
function useOptions(orgId: string, search: string, staffOnly: boolean, extra: ComboboxItem[] = []) {
  const { t } = useTranslation();
  const describe = useDescribeError();
  const [debounced] = useDebouncedValue(search, 250);
  const result = useMemberSearch(orgId, debounced);
  const known = useRef(new Map<string, ComboboxItem>());
  for (const item of extra) known.current.set(item.value, item);
  const found: ComboboxItem[] = [];
  for (const m of result.data?.items ?? []) {
    if (staffOnly && !STAFF_ROLES.includes(m.role)) continue;
    const option = toOption(m);
    if (option) {
      known.current.set(option.value, option);
      found.push(option);
    }
  }
  const nothingFound = result.isError
    ? describe(result.error)
    : result.isFetching
      ? t('common.loading')
      : staffOnly
        ? t('people.noStaffFound')
        : t('people.noneFound');
  return { found, known: known.current, nothingFound };
}

type MultiProps = {
  orgId: string;
  value: string[];
  onChange: (value: string[]) => void;
  label: string;
  description?: string;
  error?: React.ReactNode;
  staffOnly?: boolean;
  disabled?: boolean;
};

/** Picks several active members of the organization by searching their name or address. */
export function MemberMultiPicker({ orgId, value, onChange, label, description, error, staffOnly = false, disabled }: MultiProps) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const { found, known, nothingFound } = useOptions(orgId, search, staffOnly);
  const selected = value.map((id) => known.get(id) ?? { value: id, label: id });
  const data = [...selected, ...found.filter((o) => !value.includes(o.value))];
  return (
    <MultiSelect
      label={label}
      description={description}
      error={error}
      placeholder={t('people.searchPlaceholder')}
      data={data}
      value={value}
      onChange={onChange}
      searchable
      searchValue={search}
      onSearchChange={setSearch}
      filter={({ options }) => options}
      nothingFoundMessage={nothingFound}
      hidePickedOptions
      clearable
      disabled={disabled}
      comboboxProps={{ withinPortal: true }}
      clearButtonProps={{ 'aria-label': t('common.clear') }}
    />
  );
}

type SingleProps = {
  orgId: string;
  value: string | null;
  current?: Person | null;
  onChange: (value: string | null) => void;
  label: string;
  description?: string;
  error?: React.ReactNode;
  staffOnly?: boolean;
  disabled?: boolean;
};

/** Picks one active member (a referent: staffOnly) by searching. */
export function MemberPicker({ orgId, value, current, onChange, label, description, error, staffOnly = false, disabled }: SingleProps) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const extra = current ? [{ value: current.id, label: `${current.name} (${current.email})` }] : [];
  const { found, known, nothingFound } = useOptions(orgId, search, staffOnly, extra);
  const picked = value ? (known.get(value) ?? { value, label: value }) : null;
  const data = picked ? [picked, ...found.filter((o) => o.value !== value)] : found;
  return (
    <Select
      label={label}
      description={description}
      error={error}
      placeholder={t('people.searchPlaceholder')}
      data={data}
      value={value}
      onChange={(next) => {
        onChange(next);
      }}
      searchable
      onSearchChange={(next) => {
        // Typing searches; the picked label echoed back into the box does not.
        if (next !== picked?.label) setSearch(next);
      }}
      filter={({ options }) => options}
      nothingFoundMessage={nothingFound}
      clearable
      disabled={disabled}
      comboboxProps={{ withinPortal: true }}
      clearButtonProps={{ 'aria-label': t('common.clear') }}
    />
  );
}
