import { useQuery } from '@tanstack/react-query';
import { fetchAll } from '../../api/client';
import { base, type Import, type ImportRow } from './imports.api';

/** Up to this many rows, the confirmation counts people and groups row by row; above, it uses the preview's counts. */
export const EXACT_PLAN_ROWS = 10_000;

export type Plan = {
  /** People invited (invite) or accounts created (create). */
  people: number;
  /** Valid rows of people already in the organization: put in the file's groups. */
  members: number;
  /** Valid rows of people with a pending invitation (invite mode): skipped. */
  alreadyInvited: number;
  /** Rows nothing is done for: problems, repeats, pending invitations. */
  skipped: number;
  /** Distinct groups the people go to; null when not counted (large imports). */
  groups: number | null;
  /** Groups made by the import (when "create missing groups" is on). */
  newGroups: string[];
  /** True when the choice about missing groups changed what the preview counted and the rows were not all read. */
  approximate: boolean;
};

/** Group names compare like the server does: trimmed, spaces collapsed, case ignored. */
const groupKey = (name: string) => name.trim().replace(/\s+/g, ' ').toLowerCase();
const tidy = (name: string) => name.trim().replace(/\s+/g, ' ');

/** What approving will do, read from every row (mirrors apply.service: missing groups, members, invitations). */
export function planFromRows(imp: Import, rows: ImportRow[], createMissingGroups: boolean): Plan {
  const unknown = new Set(imp.unknownGroups.map((g) => groupKey(g.name)));
  const groups = new Set<string>();
  const newGroups = new Map<string, string>();
  let valid = 0;
  let members = 0;
  for (const row of rows) {
    if (row.outcome === 'duplicate' || row.outcome === 'conflict') continue;
    const blocking = row.messages.some((m) =>
      m.code === 'unknown_group' || m.code === 'group_will_be_created' ? !createMissingGroups : m.level === 'error',
    );
    if (blocking) continue;
    valid++;
    if (row.alreadyMember) members++;
    for (const name of row.groups) {
      const key = groupKey(name);
      if (!key) continue;
      groups.add(key);
      if (unknown.has(key) && !newGroups.has(key)) newGroups.set(key, tidy(name));
    }
  }
  // Pending invitations are only known as a count (of the rows the preview found valid).
  const alreadyInvited = imp.mode === 'invite' ? Math.min(imp.counts.alreadyInvited, valid - members) : 0;
  const people = valid - members - alreadyInvited;
  return {
    people,
    members,
    alreadyInvited,
    skipped: imp.counts.rows - people - members,
    groups: groups.size,
    newGroups: [...newGroups.values()],
    approximate: false,
  };
}

/** The same from the preview's counts alone, for imports too large to read row by row. */
export function planFromCounts(imp: Import, createMissingGroups: boolean): Plan {
  const c = imp.counts;
  const alreadyInvited = imp.mode === 'invite' ? c.alreadyInvited : 0;
  const people = Math.max(0, c.valid - c.alreadyMembers - alreadyInvited);
  return {
    people,
    members: c.alreadyMembers,
    alreadyInvited,
    skipped: c.rows - people - c.alreadyMembers,
    groups: null,
    newGroups: createMissingGroups ? imp.unknownGroups.map((g) => tidy(g.name)) : [],
    approximate: imp.unknownGroups.length > 0 && createMissingGroups !== Boolean(imp.options.createMissingGroups),
  };
}

/** Reads every row of a previewed import (when not too many) to say exactly what approving will do. */
export function usePlan(orgId: string, imp: Import, createMissingGroups: boolean, enabled: boolean) {
  const exact = imp.counts.rows <= EXACT_PLAN_ROWS;
  const rows = useQuery({
    queryKey: ['orgs', orgId, 'imports', imp.id, 'every-row'],
    enabled: enabled && exact,
    queryFn: () => fetchAll<ImportRow>(`${base(orgId)}/${imp.id}/rows`, {}, Math.ceil(EXACT_PLAN_ROWS / 500)),
    staleTime: Number.POSITIVE_INFINITY,
  });
  if (!exact) return { plan: planFromCounts(imp, createMissingGroups), loading: false, error: null };
  if (rows.isError) return { plan: planFromCounts(imp, createMissingGroups), loading: false, error: rows.error };
  if (!rows.data) return { plan: null, loading: rows.isFetching || enabled, error: null };
  return { plan: planFromRows(imp, rows.data, createMissingGroups), loading: false, error: null };
}
