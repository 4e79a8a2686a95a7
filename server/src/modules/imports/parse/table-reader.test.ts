import { describe, expect, it } from 'vitest';
import { readTable } from './table-reader.js';

const collect = async (rows: AsyncGenerator<{ line: number; cells: string[] }>) => {
  const out: { line: number; cells: string[] }[] = [];
  for await (const r of rows) out.push(r);
  return out;
};

describe('reading a large text table', () => {
  it('keeps every character, quoted new line and row across the parser’s slices', async () => {
    // Rows of varied length so that emoji (two UTF-16 halves) and quoted new lines fall on slice edges.
    const lines = ['email,first name,last name'];
    for (let i = 1; i <= 6000; i++) lines.push(`p${i}@example.com,${'é'.repeat(i % 7)}😀${i},"two\nlines ${i}"`);
    // And one emoji exactly across the first slice edge (64 KiB of UTF-16 code units).
    const all = `${lines.join('\r\n')}\r\n`;
    const head = all.slice(0, all.lastIndexOf('\r\n', 60_000) + 2); // whole rows (quoted new lines are \n alone)
    const pad = 'x'.repeat(65_535 - head.length - 'edge@example.com,'.length);
    const text = `${head}edge@example.com,${pad}😀,"edge"\r\n${lines.slice(1).join('\r\n')}\r\n`;
    expect(text.charCodeAt(65_535)).toBe(0xd83d);
    const rows = await collect(readTable({ kind: 'file', bytes: Buffer.from(text), fileName: 'people.csv' }).rows);
    const edge = rows.find((r) => r.cells[0] === 'edge@example.com');
    expect(edge?.cells).toEqual(['edge@example.com', `${pad}😀`, 'edge']);
    const rest = rows.slice(rows.indexOf(edge as (typeof rows)[number]) + 1);
    expect(rest).toHaveLength(6000);
    for (let i = 1; i <= 6000; i++)
      expect(rest[i - 1]?.cells).toEqual([`p${i}@example.com`, `${'é'.repeat(i % 7)}😀${i}`, `two\nlines ${i}`]);
  });
});
