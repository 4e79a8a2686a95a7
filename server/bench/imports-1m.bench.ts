import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Benchmark, BenchResult } from './lib.js';

// The advertised limit: the imports bench with 1,000,000 rows (preview < 30 s, apply ≤ 1.5× COPY of the
// same rows with their foreign keys, peak RSS < 512 MB). Runs `npm run bench -- imports` in a child with
// BENCH_IMPORTS_ROWS=1000000, whose figures are stored under `imports-1m`.
const bench: Benchmark = {
  name: 'imports-1m',
  description: 'import 1,000,000 learners: preview, apply (invite, create), COPY floor (PostgreSQL)',
  async run() {
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [...process.execArgv, path.join(import.meta.dirname, 'imports-child.ts')], {
        env: { ...process.env, BENCH_IMPORTS_ROWS: '1000000' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let text = '';
      child.stdout.on('data', (c: Buffer) => {
        process.stdout.write(c);
        text += c.toString();
      });
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`the 1,000,000-row imports bench ended with ${code}`))));
    });
    const json = out.slice(out.lastIndexOf('\n@@result ') + 10).trim();
    return JSON.parse(json) as { results: BenchResult[]; meta: Record<string, unknown> };
  },
};

export default bench;
