import { useDebouncedCallback } from '@mantine/hooks';
import { useState } from 'react';
import { useSearchParams } from 'react-router';

/**
 * A list's filters kept in the address (so a filtered list can be shared and survives a reload),
 * with a search box that updates the `q` parameter once typing pauses.
 * `onChange` runs before every change, e.g. to clear a selection the new filters would hide.
 */
export function useUrlFilters(onChange: () => void) {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const [search, setSearch] = useState(q);

  const setParam = (key: string, value: string | null | undefined) => {
    onChange();
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      },
      { replace: true },
    );
  };
  const pushSearch = useDebouncedCallback((value: string) => setParam('q', value.trim()), 300);

  return {
    params,
    q,
    setParam,
    /** What the search box shows: ahead of `q` while the person types. */
    search,
    onSearchChange: (value: string) => {
      setSearch(value);
      pushSearch(value);
    },
    /** Clears the search box and the given parameters (all of them when none are given). */
    reset: (keys?: readonly string[]) => {
      setSearch('');
      onChange();
      setParams(
        (prev) => {
          if (!keys) return new URLSearchParams();
          const next = new URLSearchParams(prev);
          for (const key of keys) next.delete(key);
          return next;
        },
        { replace: true },
      );
    },
  };
}
