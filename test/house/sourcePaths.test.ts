/**
 * Runtime strings (error messages, help texts) name the component and the value, never a
 * hand-written source path such as 'src/layers/dense.ts': that path is wrong in dist/ and
 * goes stale when files move. Comments may still point a reader at a source file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '../..');

/** A source path: 'src/…/name.ts', with `${…}` standing for an interpolated part of a template. */
const SOURCE_PATH = /\bsrc\/[\w./${}-]*\.ts\b/;

/** Every .ts file under `dir`, recursively. */
function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return tsFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

/** Module specifiers of imports, exports and require()/import() calls: paths of modules, not messages. */
function isModuleSpecifier(node: ts.Node): boolean {
  const parent = node.parent;
  if (ts.isImportDeclaration(parent) || ts.isExportDeclaration(parent) || ts.isExternalModuleReference(parent))
    return true;
  if (!ts.isCallExpression(parent)) return false;
  return (
    parent.expression.kind === ts.SyntaxKind.ImportKeyword ||
    (ts.isIdentifier(parent.expression) && parent.expression.text === 'require')
  );
}

/**
 * The string literals and templates of `source` (comments are not scanned) that hold a source
 * path, as 'line: text'; a template's interpolations read `${}`.
 */
function sourcePathStrings(fileName: string, source: string): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2022, true);
  const hits: string[] = [];
  const visit = (node: ts.Node): void => {
    let text: string | undefined;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) text = node.text;
    else if (ts.isTemplateExpression(node))
      text = node.head.text + node.templateSpans.map((s) => `\${}${s.literal.text}`).join('');
    if (text !== undefined && !isModuleSpecifier(node) && SOURCE_PATH.test(text)) {
      hits.push(`${file.getLineAndCharacterOfPosition(node.getStart()).line + 1}: ${text}`);
    }
    // a template's parts were read whole above
    if (!ts.isTemplateExpression(node)) ts.forEachChild(node, visit);
    else node.templateSpans.forEach((s) => visit(s.expression));
  };
  visit(file);
  return hits;
}

test('sourcePathStrings finds paths in strings and templates, not in comments or module specifiers', () => {
  const source = [
    '// see src/layers/dense.ts',
    '/** src/models/din.ts */',
    "import { x } from '../src/layers/dense';",
    "throw new Error('src/layers/dense.ts: Dense(d): inputSize must be a positive integer');",
    'const where = `src/metrics/${fn}.ts: labels`;',
    'const a = `kernels (src/kernels) of ${f(`src/ops/matMul.ts`)}`;',
    "const b = 'Dense(d): input [2,3] must end with 4';",
  ].join('\n');
  assert.deepEqual(sourcePathStrings('x.ts', source), [
    '4: src/layers/dense.ts: Dense(d): inputSize must be a positive integer',
    '5: src/metrics/${}.ts: labels',
    '6: src/ops/matMul.ts',
  ]);
});

test('no runtime string in src/ or bench/ hand-writes a source path', () => {
  const files = [...tsFiles(path.join(ROOT, 'src')), ...tsFiles(path.join(ROOT, 'bench'))];
  assert.ok(files.length > 100, `expected the project's sources under ${ROOT}, found ${files.length} files`);
  const hits: string[] = [];
  for (const file of files) {
    const rel = path.relative(ROOT, file).split(path.sep).join('/');
    for (const hit of sourcePathStrings(rel, fs.readFileSync(file, 'utf8'))) hits.push(`${rel}:${hit}`);
  }
  assert.deepEqual(hits, [], 'name the component and the offending value instead (the path is wrong in dist/)');
});
