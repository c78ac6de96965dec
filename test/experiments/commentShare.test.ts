/**
 * The source keeps decisions, not measurement diaries: the paper experiment files stay at most a
 * third comments, no source line names an issue number or a team role, and every document the
 * source cites (docs/papers.md anchors, docs/findings files) exists in the repository.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const PAPERS_DIR = path.join(ROOT, 'src/experiments/papers');
const MAX_COMMENT_SHARE = 1 / 3;

/** Non-blank lines of TypeScript source and how many of them hold only comment text. */
function commentLines(source: string): { comment: number; nonBlank: number } {
  let state: 'code' | 'block' | "'" | '"' | '`' = 'code';
  let comment = 0;
  let nonBlank = 0;
  for (const line of source.split('\n')) {
    let hasCode = false;
    let hasComment = state === 'block' && line.trim() !== '';
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (state === 'block') {
        if (c === '*' && line[i + 1] === '/') {
          state = 'code';
          i++;
        }
        hasComment = true;
      } else if (state === 'code') {
        if (c === '/' && line[i + 1] === '/') {
          hasComment = true;
          break;
        }
        if (c === '/' && line[i + 1] === '*') {
          state = 'block';
          hasComment = true;
          i++;
        } else if (c === "'" || c === '"' || c === '`') {
          state = c;
          hasCode = true;
        } else if (c.trim() !== '') hasCode = true;
      } else {
        if (c === '\\') i++;
        else if (c === state) state = 'code';
      }
    }
    if (state === "'" || state === '"') state = 'code'; // an unterminated quote ends with its line
    if (line.trim() === '') continue;
    nonBlank++;
    if (hasComment && !hasCode) comment++;
  }
  return { comment, nonBlank };
}

/** Every .ts file under `dir`, recursively. */
function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return tsFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

const rel = (file: string): string => path.relative(ROOT, file);

/**
 * Our own issue numbers ("issue 4", "Issue 17") and team roles. "DIN repo issues #63" (another
 * project's tracker) is allowed.
 */
const FORBIDDEN = [
  { what: 'an issue number', re: /\bissues?\s+\d+/i },
  { what: 'a team role', re: /\b(engineers?|coordinator)\b|\b(CORE|SEQUENCE)-MODELS\b/i },
];

test('commentLines counts whole-line comments only, not comment markers inside strings or after code', () => {
  const src = [
    '/**',
    ' * doc',
    ' */',
    'const a = 1; // trailing: a code line',
    '',
    "const s = '/* not a comment */';",
    '// line comment',
    'const t = `// not one either`;',
    '/* one */ const b = 2;',
    '  /* two',
    '     lines */',
  ].join('\n');
  // 10 non-blank lines; comments only: the 3 doc lines, '// line comment' and the 2 block lines.
  assert.deepEqual(commentLines(src), { comment: 6, nonBlank: 10 });
});

test('no file in src/experiments/papers is more than a third comments', () => {
  const files = tsFiles(PAPERS_DIR);
  assert.ok(files.length >= 5, `expected the paper files in ${rel(PAPERS_DIR)}, found ${files.length}`);
  const over = files
    .map((f) => ({ file: rel(f), ...commentLines(fs.readFileSync(f, 'utf8')) }))
    .filter((r) => r.comment / r.nonBlank > MAX_COMMENT_SHARE)
    .map((r) => `${r.file}: ${r.comment} of ${r.nonBlank} lines are comments`);
  const why = 'measurements go to docs/findings/<topic>.md; the code keeps the decision, a line of why and a link';
  assert.deepEqual(over, [], why);
});

test('no source line names an issue number or a team role', () => {
  const hits: string[] = [];
  for (const file of [...tsFiles(path.join(ROOT, 'src')), ...tsFiles(path.join(ROOT, 'bench'))]) {
    fs.readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        for (const { what, re } of FORBIDDEN) {
          if (re.test(line)) hits.push(`${rel(file)}:${i + 1}: ${what}: ${line.trim()}`);
        }
      });
  }
  assert.deepEqual(hits, []);
});

test('the patterns catch what they are for', () => {
  const caught = (line: string) => FORBIDDEN.some(({ re }) => re.test(line));
  const forbidden = ['(issue 4, measured)', ' * Issue 17: move', 'BENCH engineer', 'CORE-MODELS: dense', 'coordinator'];
  for (const line of forbidden) {
    assert.ok(caught(line), line);
  }
  for (const line of ['DIN repo issues #63, #76', 'engineered features', 'issues with padding']) {
    assert.ok(!caught(line), line);
  }
});

test('documents cited by the source exist: docs/papers.md anchors and docs/findings files', () => {
  const papers = fs.readFileSync(path.join(ROOT, 'docs/papers.md'), 'utf8');
  const problems: string[] = [];
  const files = [...tsFiles(path.join(ROOT, 'src')), ...tsFiles(path.join(ROOT, 'bench'))];
  for (const file of files) {
    fs.readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        const where = `${rel(file)}:${i + 1}`;
        if (/(^|[^/\w])papers\.md/.test(line)) problems.push(`${where}: cite docs/papers.md, not papers.md`);
        for (const m of line.matchAll(/docs\/findings\/([\w{},.-]+?)\.md/g)) {
          const names = m[1].startsWith('{') ? m[1].slice(1, -1).split(',') : [m[1]];
          for (const n of names) {
            const file = `docs/findings/${n}.md`;
            if (!fs.existsSync(path.join(ROOT, file))) problems.push(`${where}: ${file} does not exist`);
          }
        }
        const cites = line.includes('docs/papers.md') || /\bP-DI[A-Z]*-\d/.test(line);
        if (!cites) return;
        for (const [section] of line.matchAll(/§\d+(\.\d+)?/g)) {
          const found = papers.includes(`## ${section} `) || papers.includes(`**${section} `);
          if (!found) problems.push(`${where}: docs/papers.md has no ${section}`);
        }
        for (const [item] of line.matchAll(/\bP-DI[A-Z]*-\d+\b/g)) {
          if (!papers.includes(`**${item}**`)) problems.push(`${where}: docs/papers.md has no item ${item}`);
        }
      });
  }
  assert.deepEqual(problems, []);
});
