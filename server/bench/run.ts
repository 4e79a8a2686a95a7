import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Benchmark, BenchResult } from './lib.js';

// Runs the benchmarks in bench/*.bench.ts (all, or those named on the command line), prints one
// table, and merges the figures into bench/results.json under each benchmark's name.
// Usage: npm run bench [-- name ...]

const dir = import.meta.dirname;
const resultsFile = path.join(dir, 'results.json');

async function loadBenchmarks(): Promise<Benchmark[]> {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.bench.ts'))
    .sort();
  const out: Benchmark[] = [];
  for (const f of files) {
    const mod = await import(pathToFileURL(path.join(dir, f)).href);
    const bench = mod.default as Benchmark | undefined;
    if (!bench?.name || typeof bench.run !== 'function') throw new Error(`${f} must export default a Benchmark { name, description, run }`);
    out.push(bench);
  }
  return out;
}

function printTable(rows: (BenchResult & { bench: string })[]): void {
  const cells = rows.map((r) => [
    `${r.bench}.${r.name}`,
    String(r.value),
    r.unit,
    r.target || '—',
    r.ok === undefined ? '' : r.ok ? 'ok' : 'MISSED',
  ]);
  const head = ['name', 'value', 'unit', 'target', ''];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]?.length ?? 0)));
  const line = (c: string[]) =>
    c
      .map((x, i) => (i === 1 ? x.padStart(widths[i] ?? 0) : x.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const c of cells) console.log(line(c));
}

async function main(): Promise<void> {
  const all = await loadBenchmarks();
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = wanted.filter((w) => !all.some((b) => b.name === w));
  if (unknown.length) throw new Error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${all.map((b) => b.name).join(', ')}`);
  const chosen = wanted.length ? all.filter((b) => wanted.includes(b.name)) : all;

  const stored: Record<string, unknown> = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : {};
  const rows: (BenchResult & { bench: string })[] = [];
  for (const bench of chosen) {
    console.log(`== ${bench.name}: ${bench.description}`);
    const { results, meta } = await bench.run();
    rows.push(...results.map((r) => ({ ...r, bench: bench.name })));
    stored[bench.name] = {
      measuredAt: new Date().toISOString(),
      ...meta,
      results: Object.fromEntries(results.map(({ name, ...r }) => [name, r])),
    };
    // Written after each benchmark so a later failure does not lose earlier figures.
    writeFileSync(resultsFile, `${JSON.stringify(stored, null, 2)}\n`);
    // In the house format, so that `npm run lint` (biome ci) passes with the figures committed.
    spawnSync('npx', ['biome', 'format', '--write', resultsFile], { stdio: 'ignore' });
  }
  console.log('');
  printTable(rows);
  console.log(`\nwritten to ${path.relative(process.cwd(), resultsFile)}`);
  if (rows.some((r) => r.ok === false)) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
