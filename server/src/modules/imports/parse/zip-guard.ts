import { AppError } from '../../../http/errors.js';

export const XLSX_LIMITS = { maxEntries: 2000, maxUncompressedBytes: 300 * 1024 * 1024, maxRatio: 200 };

/**
 * Reads a ZIP's central directory (no decompression) and refuses archives whose entry count,
 * total uncompressed size or compression ratio look like a zip bomb.
 */
export function checkZip(buf: Buffer): void {
  const eocd = findEndOfCentralDirectory(buf);
  if (eocd < 0) throw new AppError(422, 'invalid_xlsx', 'This file is not a valid Excel (.xlsx) file: its archive structure is damaged.');
  const entries = buf.readUInt16LE(eocd + 10);
  const cdSize = buf.readUInt32LE(eocd + 12);
  const cdOffset = buf.readUInt32LE(eocd + 16);
  if (entries > XLSX_LIMITS.maxEntries)
    throw new AppError(413, 'xlsx_too_complex', `This Excel file has ${entries} parts; at most ${XLSX_LIMITS.maxEntries} are accepted.`);
  if (cdOffset + cdSize > buf.length)
    throw new AppError(422, 'invalid_xlsx', 'This file is not a valid Excel (.xlsx) file: its archive is truncated.');
  let total = 0;
  let p = cdOffset;
  for (let i = 0; i < entries; i++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new AppError(422, 'invalid_xlsx', 'This file is not a valid Excel (.xlsx) file.');
    const compressed = buf.readUInt32LE(p + 20);
    const uncompressed = buf.readUInt32LE(p + 24);
    if (compressed === 0xffffffff || uncompressed === 0xffffffff)
      throw new AppError(413, 'xlsx_too_large', 'This Excel file is too large once uncompressed.');
    total += uncompressed;
    if (uncompressed > 1024 * 1024 && uncompressed / Math.max(compressed, 1) > XLSX_LIMITS.maxRatio)
      throw new AppError(413, 'xlsx_too_large', 'This Excel file expands to far more than its size; it was refused.');
    p += 46 + buf.readUInt16LE(p + 28) + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
  }
  if (total > XLSX_LIMITS.maxUncompressedBytes)
    throw new AppError(
      413,
      'xlsx_too_large',
      `This Excel file expands to ${Math.round(total / 1048576)} MB; at most ${XLSX_LIMITS.maxUncompressedBytes / 1048576} MB are accepted.`,
    );
}

function findEndOfCentralDirectory(buf: Buffer): number {
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) return i;
  }
  return -1;
}
