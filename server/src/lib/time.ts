/** ISO 8601 UTC from a timestamp as either driver returns it (Date, or text like `2026-01-01 10:00:00+00`). */
export function toIso(value: string | Date): string;
export function toIso(value: string | Date | null | undefined): string | null;
export function toIso(value: string | Date | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const d =
    value instanceof Date
      ? value
      : new Date(/^\d{4}-\d\d-\d\d \d/.test(value) ? value.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00') : value);
  return d.toISOString();
}
