import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The layer rules of biome.json (routes → service → repo; another module only through its service),
// run by `npm run lint`, checked against fixture files linted with the repository's own configuration.

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const biome = join(root, 'node_modules/.bin/biome');

type Diagnostic = { category: string; location: { path: string } };

function lint(cwd: string, target: string): Promise<Diagnostic[]> {
  return new Promise((done, fail) => {
    execFile(biome, ['lint', '--reporter=json', '--max-diagnostics=none', target], { cwd, maxBuffer: 16 << 20 }, (_err, stdout) => {
      try {
        done((JSON.parse(stdout) as { diagnostics: Diagnostic[] }).diagnostics);
      } catch (e) {
        fail(e);
      }
    });
  });
}

const RULE = 'lint/style/noRestrictedImports';

const fixtures: Record<string, string> = {
  // Routes that reach the database: each must fail.
  'server/src/modules/alpha/repo.routes.ts': "import { findAlpha } from './alpha.repo.js';\nexport const r = findAlpha;\n",
  'server/src/modules/alpha/type.routes.ts': "import type { AlphaRow } from './alpha.repo.js';\nexport type R = AlphaRow;\n",
  'server/src/modules/alpha/sql.routes.ts': "import { sql } from 'drizzle-orm';\nexport const r = sql`SELECT 1`;\n",
  'server/src/modules/alpha/schema.routes.ts': "import { accounts } from '../../db/schema.js';\nexport const r = accounts;\n",
  'server/src/modules/alpha/other-repo.routes.ts': "import { findBeta } from '../beta/beta.repo.js';\nexport const r = findBeta;\n",
  // A module reaching into another one: each must fail.
  'server/src/modules/alpha/repo.service.ts': "import { findBeta } from '../beta/beta.repo.js';\nexport const s = findBeta;\n",
  'server/src/modules/alpha/internal.service.ts': "import { helper } from '../beta/helper.js';\nexport const s = helper;\n",
  'server/src/modules/alpha/nested/deep.ts': "import { findBeta } from '../../beta/beta.repo.js';\nexport const s = findBeta;\n",
  'server/src/http/outside.ts': "import { findBeta } from '../modules/beta/beta.repo.js';\nexport const s = findBeta;\n",
  // What the rules allow: none may fail.
  'server/src/modules/alpha/alpha.routes.ts': [
    "import { z } from 'zod';",
    "import { actorOf } from '../../http/auth.js';",
    "import { listBeta } from '../beta/beta.service.js';",
    "import { betaOut } from '../beta/beta.schemas.js';",
    "import { listAlpha } from './alpha.service.js';",
    "import { alphaOut } from './alpha.schemas.js';",
    'export const r = [z, actorOf, listBeta, betaOut, listAlpha, alphaOut];',
    '',
  ].join('\n'),
  'server/src/modules/alpha/alpha.service.ts': [
    "import { sql } from 'drizzle-orm';",
    "import { accounts } from '../../db/schema.js';",
    "import { listBeta } from '../beta/beta.service.js';",
    "import type { Beta } from '../beta/beta.schemas.js';",
    "import { findAlpha } from './alpha.repo.js';",
    'export const s = [sql, accounts, listBeta, findAlpha];',
    'export type B = Beta;',
    '',
  ].join('\n'),
  'server/src/modules/alpha/nested/ok.ts': [
    "import { AppError } from '../../../http/errors.js';",
    "import { findAlpha } from '../alpha.repo.js';",
    "import { listBeta } from '../../beta/beta.service.js';",
    'export const s = [AppError, findAlpha, listBeta];',
    '',
  ].join('\n'),
  'server/src/modules/alpha/alpha.test.ts': "import { findBeta } from '../beta/beta.repo.js';\nexport const t = findBeta;\n",
};

const mustFail = Object.keys(fixtures).filter((p) => !/alpha\.(routes|service|test)\.ts$|nested\/ok\.ts$/.test(p));

describe('layer rules in npm run lint', () => {
  let dir: string;
  let byFile: Map<string, number>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'troupe-lint-'));
    cpSync(join(root, 'biome.json'), join(dir, 'biome.json'));
    for (const [path, text] of Object.entries(fixtures)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const diagnostics = await lint(dir, 'server');
    byFile = new Map();
    for (const d of diagnostics.filter((d) => d.category === RULE)) byFile.set(d.location.path, (byFile.get(d.location.path) ?? 0) + 1);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(mustFail)('refuses %s', (path) => {
    expect(byFile.get(path) ?? 0).toBeGreaterThan(0);
  });

  it('accepts routes that call services, services that call their own repository, and tests', () => {
    expect([...byFile.keys()].filter((p) => !mustFail.includes(p))).toEqual([]);
  });

  it('finds no layer violation in the source tree', async () => {
    const diagnostics = await lint(root, 'server/src');
    expect(diagnostics.filter((d) => d.category === RULE).map((d) => d.location.path)).toEqual([]);
  });
});
