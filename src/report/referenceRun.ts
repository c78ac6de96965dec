/**
 * A reference run as committed for readers: light copies of the executed notebooks (see
 * lightNotebook.ts), every figure also as a PNG file that a README can link
 * (`figures/<notebook>/<NN>-<title>.png`), and a README.md saying when, with which commit, on
 * which machine and with which command the run was made.
 *
 * The folder is written whole into a scratch folder beside it and then swapped in, so a failed
 * export leaves the previous reference run as it was.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  checkNotebookSize,
  lightNotebook,
  LightNotebook,
  NotebookCell,
  NotebookJson,
  notebookText,
} from './lightNotebook';

/** What the README says about the run. */
export interface ReferenceRunProvenance {
  /** When the run finished (ISO 8601). */
  date: string;
  /** The kit's commit (`gitCommit()`), with those of the run records used. */
  commit: string;
  /** Cores, CPU model, OS (`machineDescription()`). */
  machine: string;
  /** The TensorFlow.js backend(s) the runs used. */
  backend: string;
  /** Dataset spec and data folder. */
  dataset: string;
  /** The exact command that made the run. */
  command: string;
}

export interface ReferenceRunOptions {
  /** Executed notebooks (`<results>/notebooks/NN-*.ipynb`). */
  notebooks: string[];
  /** The folder to write (replaced whole). */
  outDir: string;
  provenance: ReferenceRunProvenance;
  /** Largest light notebook accepted (default `LIGHT_NOTEBOOK_MAX_BYTES`). */
  maxNotebookBytes?: number;
}

export interface ReferenceRunFiles {
  readme: string;
  notebooks: string[];
  /** Per notebook, in order, the PNG file of each figure. */
  figures: string[];
}

/** Marks a README written here, so that only such a folder is ever replaced. */
const README_MARK = '<!-- written by dil reproduce --reference-run -->';

/** `2 cores, Intel(R) Xeon(R) ... (linux x64, node v20.20.2)`. */
export function machineDescription(): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model.trim() || 'unknown CPU';
  return `${cpus.length} cores, ${model} (${os.platform()} ${os.arch()}, node ${process.version})`;
}

/** A file-name-safe, lower-case form of a figure title, at most 60 characters. */
export function figureSlug(title: string): string {
  const slug = title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return slug || 'figure';
}

function readExecuted(file: string): NotebookJson {
  if (!fs.existsSync(file)) {
    const failed = file.replace(/\.ipynb$/, '.failed.ipynb');
    const hint = fs.existsSync(failed) ? ` (its last run failed: ${failed})` : '';
    throw new Error(`${file}: executed notebook not found${hint}; expected the output of dil reproduce`);
  }
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as NotebookJson;
  } catch (err) {
    throw new Error(`${file}: not a notebook (${err instanceof Error ? err.message : String(err)})`, { cause: err });
  }
}

function headerCell(provenance: ReferenceRunProvenance, source: string, withId: boolean): NotebookCell {
  return {
    // nbformat 4.5 requires cell ids, 4.4 forbids them
    ...(withId ? { id: 'reference-run-provenance' } : {}),
    cell_type: 'markdown',
    metadata: {},
    source:
      `*Reference run, executed ${provenance.date} at commit \`${provenance.commit}\` on ${provenance.machine}; ` +
      'see [README.md](README.md) for the command and the data. Figures are static images here: run ' +
      `\`notebooks/${source}\` for the interactive ones.*`,
  };
}

/** Text safe inside a Markdown table cell or link text. */
function markdownCell(text: string): string {
  return text.replace(/[|[\]]/g, '\\$&').replace(/\n/g, ' ');
}

function readmeText(
  provenance: ReferenceRunProvenance,
  entries: Array<{ name: string; light: LightNotebook; pngs: string[] }>,
): string {
  const lines = [
    README_MARK,
    '# Reference run',
    '',
    'The notebooks of `notebooks/`, executed, as a reader sees them without running anything. Each figure is kept',
    'as one static image (the interactive Plotly figures need the notebook to be run) and is also a PNG file below.',
    '',
    '| | |',
    '|---|---|',
    `| Date | ${markdownCell(provenance.date)} |`,
    `| Commit | \`${markdownCell(provenance.commit)}\` |`,
    `| Machine | ${markdownCell(provenance.machine)} |`,
    `| Backend | ${markdownCell(provenance.backend)} |`,
    `| Dataset | ${markdownCell(provenance.dataset)} |`,
    `| Command | \`${markdownCell(provenance.command)}\` |`,
    '',
    '## Figures',
  ];
  for (const entry of entries) {
    lines.push('', `### [${entry.name}](${entry.name})`, '');
    if (entry.pngs.length === 0) lines.push('(no figures)');
    entry.light.figures.forEach((figure, k) => lines.push(`- [${markdownCell(figure.title)}](${entry.pngs[k]})`));
  }
  return `${lines.join('\n')}\n`;
}

/** Why `outDir` cannot take a reference run (it exists and is not an earlier one), or undefined. */
export function referenceRunDirProblem(outDir: string): string | undefined {
  if (!fs.existsSync(outDir)) return undefined;
  if (!fs.statSync(outDir).isDirectory()) return `${outDir} is a file; expected a folder`;
  if (fs.readdirSync(outDir).length === 0) return undefined;
  const readme = path.join(outDir, 'README.md');
  if (fs.existsSync(readme) && fs.readFileSync(readme, 'utf8').startsWith(README_MARK)) return undefined;
  return (
    `${outDir} exists and holds no earlier reference run ` +
    '(its README.md was not written by dil reproduce); expected a new or empty folder'
  );
}

/**
 * Writes the reference-run folder from executed notebooks. Everything is checked (executed,
 * no cell error, every figure has a PNG, each copy under the size limit) before `outDir` is
 * touched; an existing `outDir` is replaced only when it holds an earlier reference run.
 */
export function writeReferenceRun(options: ReferenceRunOptions): ReferenceRunFiles {
  if (options.notebooks.length === 0) throw new Error('writeReferenceRun: no executed notebooks given');
  const outDir = path.resolve(options.outDir);
  const problem = referenceRunDirProblem(outDir);
  if (problem) throw new Error(`writeReferenceRun: ${problem}`);
  const entries = options.notebooks.map((file) => {
    const name = path.basename(file);
    const light = lightNotebook(readExecuted(file), file);
    light.notebook.cells.unshift(headerCell(options.provenance, name, light.notebook.nbformat_minor >= 5));
    const text = notebookText(light.notebook);
    checkNotebookSize(text, file, options.maxNotebookBytes);
    const stem = name.replace(/\.ipynb$/, '');
    const pngs = light.figures.map(
      (f, k) => `figures/${stem}/${String(k + 1).padStart(2, '0')}-${figureSlug(f.title)}.png`,
    );
    return { name, light, text, pngs };
  });

  const scratch = `${outDir}.tmp-${process.pid}`;
  fs.rmSync(scratch, { recursive: true, force: true });
  fs.mkdirSync(scratch, { recursive: true });
  try {
    for (const entry of entries) {
      fs.writeFileSync(path.join(scratch, entry.name), entry.text);
      entry.light.figures.forEach((figure, k) => {
        const file = path.join(scratch, entry.pngs[k]);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, figure.png);
      });
    }
    fs.writeFileSync(path.join(scratch, 'README.md'), readmeText(options.provenance, entries));
    const old = `${outDir}.old-${process.pid}`;
    if (fs.existsSync(outDir)) fs.renameSync(outDir, old);
    fs.renameSync(scratch, outDir);
    fs.rmSync(old, { recursive: true, force: true });
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  return {
    readme: path.join(outDir, 'README.md'),
    notebooks: entries.map((e) => path.join(outDir, e.name)),
    figures: entries.flatMap((e) => e.pngs.map((p) => path.join(outDir, p))),
  };
}
