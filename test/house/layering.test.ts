/**
 * The folders are layers: data -> layers -> models -> train -> experiments -> report -> cli.
 * The lower four must not import from the upper three, so that a library user can train any
 * model without the run-record, report or command-line code. Checked by reading every import
 * and export-from statement of their source files.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

const SRC = path.resolve(__dirname, '../../src');
const LOWER = ['data', 'layers', 'models', 'train'];
const UPPER = ['experiments', 'report', 'cli'];

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Module specifiers of `import ... from`, `export ... from`, bare `import '...'`, `import(...)` and `require(...)`. */
function importedSpecifiers(source: string): string[] {
  const pattern = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"]([^'"]+)['"]/g;
  return [...source.matchAll(pattern)].map((m) => m[1]);
}

/** The top folder under src/ that a relative specifier of `file` points into (undefined for packages). */
function srcFolderOf(file: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const relative = path.relative(SRC, path.resolve(path.dirname(file), specifier));
  return relative.startsWith('..') ? undefined : relative.split(path.sep)[0];
}

test('importedSpecifiers finds every import form', () => {
  const source = [
    "import type { A } from '../experiments/a';",
    'import * as b from "./b";',
    "export { c } from '../report/c';",
    "import '../cli/d';",
    "const e = await import('../cli/e');",
    "const f = require('fs');",
  ].join('\n');
  assert.deepEqual(importedSpecifiers(source), [
    '../experiments/a',
    './b',
    '../report/c',
    '../cli/d',
    '../cli/e',
    'fs',
  ]);
});

test('src/data, layers, models and train import nothing from experiments, report or cli', () => {
  const violations: string[] = [];
  for (const folder of LOWER) {
    for (const file of sourceFiles(path.join(SRC, folder))) {
      for (const specifier of importedSpecifiers(fs.readFileSync(file, 'utf8'))) {
        const target = srcFolderOf(file, specifier);
        if (target !== undefined && UPPER.includes(target))
          violations.push(`${path.relative(SRC, file)} imports '${specifier}'`);
      }
    }
  }
  assert.deepEqual(violations, []);
});
