/** `dil report <results dir>`: merges run records (from any machines) into summary tables (Markdown, CSV, LaTeX). */
import {
  DHAN_TEMPLATES,
  DIEN_TEMPLATES,
  DIN_TEMPLATES,
  DMIN_TEMPLATES,
  PaperExperimentTemplate,
} from '../../experiments/papers';
import { loadRunRecords, RunRecord } from '../../experiments/runRecord';
import { ExperimentSummary, groupRecordsByExperiment, summarizeRuns } from '../../experiments/summary';
import type { ResultTable } from '../../report/resultTable';
import { resultTableToMarkdown, writeResultTable } from '../../report/resultTable';
import { summaryResultTable } from '../../report/summaryReport';
import { CommandSpec, flagBool, flagString, formatHelp, parseArgs, UsageError } from '../args';
import type { CliCommand, CliIo } from '../io';
import * as fs from 'fs';
import { checkOutputFolder } from '../outputPaths';

export const REPORT_COMMAND: CommandSpec = {
  name: 'report',
  summary:
    'Summarise every run record under a results folder into tables (mean ± std, diff, paired t-test p, RelaImpr).',
  usage: 'dil report <results dir> [flags]',
  flags: [
    {
      name: 'out',
      type: 'string',
      description: 'folder that receives tables/<paper>/<experiment>.{md,csv,tex}',
      defaultText: 'the results dir',
    },
    { name: 'paper', type: 'string', values: ['din', 'dien', 'dmin', 'dhan'], description: 'only this paper' },
    {
      name: 'metric',
      type: 'string',
      values: ['auc', 'gauc'],
      description: 'main metric of mean/p-value/RelaImpr',
      defaultText: "the paper's (gauc for DIN, auc otherwise)",
    },
    { name: 'json', type: 'boolean', description: 'print one JSON object last with every summary' },
  ],
  examples: ['dil report results/', 'dil report /shared/sweeps/dien --out reports/ --metric auc'],
  details: [
    'Records written by `dil ablate --emit-jobs` jobs on several machines are ' +
      'merged: copy (or mount) their runs/ folders under one results dir.',
  ],
};

const TEMPLATES: PaperExperimentTemplate[] = [
  ...DIN_TEMPLATES,
  ...DIEN_TEMPLATES,
  ...DMIN_TEMPLATES,
  ...DHAN_TEMPLATES,
];

function templateOf(paper: string, experiment: string): PaperExperimentTemplate | undefined {
  return TEMPLATES.find((t) => t.paper === paper && t.name === experiment);
}

function uniq(values: string[]): string[] {
  return [...new Set(values)];
}

function uniqueNotes(records: RunRecord[]): string[] {
  return [
    `Data: ${uniq(records.map((r) => `${r.config.dataset} (checksum ${r.datasetChecksum.slice(0, 12)})`)).join(', ')}.`,
    `Backends: ${uniq(records.map((r) => r.backend)).join(', ')}; commits: ` +
      `${uniq(records.map((r) => r.gitCommit.slice(0, 12))).join(', ')}.`,
  ];
}

/** The result table of one experiment (REPORT's `summaryResultTable` with published columns and provenance notes). */
export function experimentTable(
  summary: ExperimentSummary,
  records: RunRecord[],
  template: PaperExperimentTemplate | undefined,
): ResultTable {
  return summaryResultTable(summary, {
    title: template?.title ?? `${summary.paper}/${summary.experiment}`,
    published: template?.published,
    notes: [...(template?.notes ?? []), ...uniqueNotes(records), ...summary.warnings],
  });
}

async function runReport(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(REPORT_COMMAND, argv);
  const dir = args.positionals[0];
  if (!dir) throw new UsageError('dil report: which results folder? e.g. dil report results/');
  if (args.positionals.length > 1) throw new UsageError(`dil report: unexpected argument "${args.positionals[1]}"`);
  if (!fs.existsSync(dir)) throw new UsageError(`dil report: results folder ${dir} does not exist`);
  if (!fs.statSync(dir).isDirectory())
    throw new UsageError(
      `dil report: ${dir} is a file; expected a results folder (the --results of dil ablate, holding runs/)`,
    );
  const outFlag = flagString(args, 'out');
  if (outFlag !== undefined) checkOutputFolder('dil report: --out', outFlag);
  const { records, errors } = loadRunRecords(dir);
  for (const e of errors) io.err(`skipped: ${e}`);
  const paper = flagString(args, 'paper');
  const metricFlag = flagString(args, 'metric') as 'auc' | 'gauc' | undefined;
  const selected = paper ? records.filter((r) => r.paper === paper) : records;
  if (selected.length === 0) {
    io.err(`no run records under ${dir}${paper ? ` for paper ${paper}` : ''}`);
    if (flagBool(args, 'json')) io.out(JSON.stringify({ experiments: [], records: 0 }));
    return 1;
  }
  const out = flagString(args, 'out') ?? dir;
  const summaries: unknown[] = [];
  for (const [key, group] of groupRecordsByExperiment(selected)) {
    const [p, experiment] = key.split('/');
    const template = templateOf(p, experiment);
    const order = template
      ? template.variants
          .map((v) => ({ name: v.name, label: v.label }))
          .filter((v) => group.some((r) => r.variant === v.name))
      : undefined;
    // variants recorded but unknown to the template still appear (at the end)
    if (order)
      for (const r of group)
        if (!order.some((o) => o.name === r.variant)) order.push({ name: r.variant, label: r.label });
    const metric = metricFlag ?? template?.metric ?? 'auc';
    const summary = summarizeRuns(group, { variants: order, baseVariant: template?.baseVariant, metric });
    const table = experimentTable(summary, group, template);
    const written = writeResultTable(table, { resultsDir: out });
    io.out(resultTableToMarkdown(table));
    io.err(`wrote ${written.md}, ${written.csv}, ${written.tex}`);
    summaries.push({ ...summary, tables: written });
  }
  if (flagBool(args, 'json')) io.out(JSON.stringify({ records: selected.length, experiments: summaries }));
  return 0;
}

export const reportCommand: CliCommand = {
  name: 'report',
  summary: REPORT_COMMAND.summary,
  run: (argv, io) =>
    argv.includes('--help') || argv.includes('-h')
      ? Promise.resolve((io.out(formatHelp(REPORT_COMMAND)), 0))
      : runReport(argv, io),
};
