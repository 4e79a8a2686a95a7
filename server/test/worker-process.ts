import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Starts `ROLE=worker` as its own process, as the README says, on the given database and job schema. */
export function startWorkerProcess(env: Record<string, string>): ChildProcess & { exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, '../src/main.ts')], {
    env: {
      ...process.env,
      ROLE: 'worker',
      DATA_DIR: mkdtempSync(path.join(tmpdir(), 'troupe-worker-')),
      LOG_LEVEL: 'error',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return Object.assign(child, { exited });
}
