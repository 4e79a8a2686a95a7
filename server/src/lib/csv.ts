/** One CSV cell: a leading = + - @ tab or CR is neutralised with ' (formula injection), and quoted per RFC 4180. */
export function csvCell(value: unknown): string {
  let s = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** A CSV line ending in CRLF. */
export const csvLine = (cells: unknown[]) => `${cells.map(csvCell).join(',')}\r\n`;

/** A text as a spreadsheet cell may hold it: a leading = + - @ tab or CR is neutralised with ', as csvCell does (for XLSX). */
export function formulaSafe(value: unknown): string {
  const s = value === null || value === undefined ? '' : String(value);
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}
