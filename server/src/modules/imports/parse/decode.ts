import { AppError } from '../../../http/errors.js';

/**
 * The text of a table: UTF-8 (with or without BOM) stays bytes, checked but not copied (a 1,000,000-row
 * file is read straight from them); UTF-16 as Excel writes it becomes a string.
 */
export function decodeText(buf: Buffer): { utf8: Buffer } | { text: string } {
  if (buf.length === 0) throw emptyFile();
  if (buf[0] === 0xff && buf[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(buf.subarray(2)) };
  if (buf[0] === 0xfe && buf[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(buf.subarray(2)) };
  if (looksUtf16le(buf)) return { text: new TextDecoder('utf-16le').decode(buf) };
  const head = buf.subarray(0, 8192);
  if (head.includes(0))
    throw new AppError(422, 'binary_file', 'This file is not a text table (it looks like a binary file). Upload a CSV, TSV or XLSX file.');
  const start = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  const bad = firstInvalidUtf8(buf, start);
  if (bad >= 0) {
    const line = countLines(buf, bad);
    throw new AppError(422, 'invalid_encoding', `Line ${line} is not valid UTF-8. Save the file as “CSV UTF-8” and upload it again.`, {
      line,
    });
  }
  const utf8 = buf.subarray(start);
  if (!hasVisibleByte(utf8)) throw emptyFile();
  return { utf8 };
}

/** Whether the bytes hold more than white space (ASCII, or the non-breaking and other Unicode spaces). */
function hasVisibleByte(buf: Buffer): boolean {
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i] as number;
    if (b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0b && b !== 0x0c) {
      if (b < 0x80) return true;
      // A multi-byte character: decide on its text (a few bytes), as String.prototype.trim would.
      const end = Math.min(buf.length, i + 4);
      if (buf.toString('utf8', i, end).trim() !== '') return true;
      while (i + 1 < buf.length && ((buf[i + 1] as number) & 0xc0) === 0x80) i++;
    }
  }
  return false;
}

export const emptyFile = () => new AppError(422, 'empty_file', 'The file is empty: it has no header line and no rows.');

function looksUtf16le(buf: Buffer): boolean {
  const n = Math.min(buf.length, 200);
  if (n < 4) return false;
  let zeros = 0;
  for (let i = 1; i < n; i += 2) if (buf[i] === 0) zeros++;
  return zeros > n / 2 - 4 && buf[0] !== 0;
}

function countLines(buf: Buffer, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (buf[i] === 0x0a) line++;
  return line;
}

/** Offset of the first byte that breaks UTF-8, or -1. */
export function firstInvalidUtf8(buf: Buffer, start = 0): number {
  let i = start;
  while (i < buf.length) {
    const b = buf[i]!; // i < buf.length
    let n = 0;
    if (b < 0x80) n = 0;
    else if (b >= 0xc2 && b <= 0xdf) n = 1;
    else if (b >= 0xe0 && b <= 0xef) n = 2;
    else if (b >= 0xf0 && b <= 0xf4) n = 3;
    else return i;
    for (let k = 1; k <= n; k++) if (i + k >= buf.length || (buf[i + k]! & 0xc0) !== 0x80) return i;
    i += n + 1;
  }
  return -1;
}
