import { Readable } from 'node:stream';
import { Parser } from 'csv-parse';
import ExcelJS from 'exceljs';
import { AppError } from '../../../http/errors.js';
import { decodeText, emptyFile } from './decode.js';
import { checkZip } from './zip-guard.js';

export type TableKind = 'csv' | 'tsv' | 'xlsx' | 'paste';
/** One line of the table: its 1-based number in the file and its cells as text. */
export type TableRow = { line: number; cells: string[] };

/** Which kind of table these bytes hold, from the bytes first and the name second. */
export function detectKind(buf: Buffer, fileName: string): TableKind {
  if (buf.length >= 4 && buf.readUInt32LE(0) === 0x04034b50) return 'xlsx';
  if (/\.xlsx?$/i.test(fileName))
    throw new AppError(
      422,
      'invalid_xlsx',
      'This file has an Excel name but is not an .xlsx workbook. Save it as .xlsx or CSV and upload it again.',
    );
  return /\.tsv$/i.test(fileName) ? 'tsv' : 'csv';
}

/** The delimiter of a text table: the most frequent of , ; and tab in its first line (outside quotes). */
export function detectDelimiter(text: string): string {
  let inQuotes = false;
  const counts = new Map<string, number>([
    [',', 0],
    [';', 0],
    ['\t', 0],
  ]);
  for (const ch of text.slice(0, 20_000)) {
    if (ch === '"') inQuotes = !inQuotes;
    else if (!inQuotes && (ch === '\n' || ch === '\r')) break;
    else if (!inQuotes && counts.has(ch)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  const [top] = [...counts].sort((a, b) => b[1] - a[1]);
  return top && top[1] > 0 ? top[0] : ',';
}

/**
 * The text in slices of about 64 KiB (never between the two halves of a surrogate pair). The parser
 * turns one chunk into rows at once: given the whole text as one chunk, it would queue every row of a
 * 1,000,000-row file in memory (a gigabyte) before the first one is read.
 */
function* slices(text: string, size = 65_536): Generator<string> {
  for (let start = 0; start < text.length; ) {
    let end = Math.min(start + size, text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
    yield text.slice(start, end);
    start = end;
  }
}

/** The bytes in slices of 64 KiB, without copying; the parser keeps a character cut in two whole. */
function* byteSlices(buf: Buffer, size = 65_536): Generator<Buffer> {
  for (let start = 0; start < buf.length; start += size) yield buf.subarray(start, start + size);
}

/**
 * A CSV parser that hands over each record with the line it ends on, read from the parser's public
 * `info` as the record is pushed. (The `info: true` option builds a copy of all of `info` for each
 * record: 1,000,000 of them cost seconds of a preview, most of it in garbage collection.)
 */
class NumberedParser extends Parser {
  override push(record: unknown): boolean {
    return super.push(record === null ? null : ({ line: this.info.lines, cells: record as string[] } satisfies TableRow));
  }
}

/** Streams the rows of a CSV/TSV text or UTF-8 bytes (quoted fields with new lines, CRLF, ragged rows). */
export async function* readTextTable(input: string | Buffer): AsyncGenerator<TableRow> {
  const text = typeof input === 'string';
  const head = text ? input.slice(0, 20_000) : input.toString('utf8', 0, 20_000);
  const parser = Readable.from(text ? slices(input) : byteSlices(input)).pipe(
    new NumberedParser({
      delimiter: detectDelimiter(head),
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      bom: true,
      trim: false,
    }),
  );
  try {
    yield* parser as AsyncIterable<TableRow>;
  } catch (err) {
    const e = err as { code?: string; lines?: number; message: string };
    throw new AppError(422, 'invalid_csv', `Line ${e.lines ?? '?'} cannot be read: ${e.message}`, { line: e.lines });
  }
}

/** Text of an Excel cell as a person sees it: formulas give their result, dates an ISO date, links their text. */
export function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    if ('result' in v) return cellText((v as ExcelJS.CellFormulaValue).result as ExcelJS.CellValue);
    if ('richText' in v) return v.richText.map((r) => r.text).join('');
    if ('text' in v) return String((v as ExcelJS.CellHyperlinkValue).text);
    if ('error' in v) return '';
    return '';
  }
  return String(v);
}

/**
 * Streams the rows of the first worksheet of an .xlsx file (checked against zip bombs first).
 * exceljs's streaming reader can lose an entry of the archive in a race and fail on a good file
 * (exceljs#3064: seen once in CI on a workbook whose xl/workbook.xml comes last); a read that fails
 * before its first row is tried again, up to three times, before the file is called unreadable.
 */
export async function* readXlsx(buf: Buffer): AsyncGenerator<TableRow> {
  checkZip(buf);
  for (let attempt = 1; ; attempt++) {
    let started = false;
    try {
      for await (const row of streamXlsx(buf)) {
        started = true;
        yield row;
      }
      return;
    } catch (err) {
      if (err instanceof AppError) throw err;
      if (!started && attempt < 3) continue;
      throw new AppError(422, 'invalid_xlsx', 'This Excel file cannot be read; save it again from Excel as .xlsx.');
    }
  }
}

async function* streamXlsx(buf: Buffer): AsyncGenerator<TableRow> {
  let reader: ExcelJS.stream.xlsx.WorkbookReader;
  try {
    reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([buf]), {
      sharedStrings: 'cache',
      hyperlinks: 'cache',
      styles: 'cache',
      worksheets: 'emit',
      entries: 'emit',
    });
  } catch {
    throw new AppError(422, 'invalid_xlsx', 'This Excel file cannot be read.');
  }
  for await (const sheet of reader) {
    for await (const row of sheet) {
      const values = (row.values as ExcelJS.CellValue[]).slice(1);
      yield { line: row.number, cells: values.map(cellText) };
    }
    return; // the first worksheet only
  }
}

/** Rows of any accepted table: an uploaded file (CSV, TSV, XLSX) or a pasted table. */
export function readTable(input: { kind: 'file'; bytes: Buffer; fileName: string } | { kind: 'paste'; text: string }): {
  kind: TableKind;
  rows: AsyncGenerator<TableRow>;
} {
  if (input.kind === 'paste') {
    if (!input.text.trim()) throw emptyFile();
    return { kind: 'paste', rows: readTextTable(input.text) };
  }
  const kind = detectKind(input.bytes, input.fileName);
  if (kind === 'xlsx') return { kind, rows: readXlsx(input.bytes) };
  const decoded = decodeText(input.bytes);
  return { kind, rows: readTextTable('utf8' in decoded ? decoded.utf8 : decoded.text) };
}
