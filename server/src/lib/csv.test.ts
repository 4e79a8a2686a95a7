import { describe, expect, it } from 'vitest';
import { csvLine } from './csv.js';

describe('csvLine', () => {
  it('neutralises cells that a spreadsheet would run as formulas and quotes per RFC 4180', () => {
    expect(csvLine(['=HYPERLINK("http://evil")', '+1', '-2', '@SUM(A1)', '\tx', 'plain', 'a,b', 'say "hi"', 'two\nlines'])).toBe(
      `"'=HYPERLINK(""http://evil"")",'+1,'-2,'@SUM(A1),'\tx,plain,"a,b","say ""hi""","two\nlines"\r\n`,
    );
  });
});
