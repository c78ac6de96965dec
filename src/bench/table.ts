/**
 * The bench's printed table (also pasted into the README's performance section).
 */
import type { BenchRecord } from './record';

function fmtRate(x: number | null | undefined): string {
  return x === null || x === undefined ? '-' : Math.round(x).toLocaleString('en-US');
}

function fmtRatio(x: number | null | undefined): string {
  return x === null || x === undefined ? '-' : `${x.toFixed(2)}x`;
}

function fmtPercent(x: number | null | undefined): string {
  return x === null || x === undefined ? '-' : `${(100 * x).toFixed(1)}%`;
}

function fmtGflop(x: number | undefined): string {
  return x === undefined ? '-' : (x / 1e9).toFixed(2);
}

const line = (cells: string[]) => `| ${cells.join(' | ')} |`;

function table(header: string[], rows: string[][]): string[] {
  return [line(header), line(header.map(() => '---')), ...rows.map(line)];
}

/**
 * Two Markdown tables. The first has what counts: ours vs PyTorch with every core of the
 * machine (ratio refused against a reference on an unoptimised BLAS), the reference's BLAS
 * speed, FLOPs per step, the fraction of the machine's limit, peak RSS. The second: CPU-time
 * figures and the 1- and 2-thread references.
 */
export function formatBenchTable(record: BenchRecord): string {
  const N = record.allCoresThreads ?? 2;
  const header = [
    'model',
    'train/s (p10-p90)',
    `PyTorch ${N}t`,
    'ratio',
    'score/s (p10-p90)',
    `PyTorch ${N}t`,
    'ratio',
    'PyTorch BLAS GFLOP/s',
    'GFLOP per train step',
    'limit reached: train',
    'score',
    'peak RSS MB',
  ];
  const details = [
    'model',
    'train/s by CPU time',
    'PyTorch 1t by CPU',
    'ratio',
    'score/s by CPU time',
    'PyTorch 1t by CPU',
    'ratio',
    'PyTorch 1t train',
    'ratio',
    'PyTorch 1t score',
    'ratio',
    'limit reached by CPU time: train',
    'score',
    'tensors +/-',
  ];
  const rows: string[][] = [];
  const detailRows: string[][] = [];
  const refusals = new Set<string>();
  for (const [name, e] of Object.entries(record.models)) {
    if (!e) continue;
    if (e.status !== 'ok') {
      rows.push([name, `${e.status}: ${e.message ?? ''}`, ...new Array<string>(header.length - 2).fill('')]);
      continue;
    }
    for (const r of e.refusals ?? []) refusals.add(`${name}: ${r}`);
    const all = e.pytorch?.[String(N)];
    const p1 = e.pytorch?.['1'];
    const spread = (s?: { p10: number; p90: number }) => (s ? ` (${fmtRate(s.p10)}-${fmtRate(s.p90)})` : '');
    rows.push([
      name,
      `${fmtRate(e.trainSamplesPerSecond)}${spread(e.trainSpread)}`,
      fmtRate(all?.trainSamplesPerSecond),
      fmtRatio(e.ratioTrainAllCores),
      `${fmtRate(e.scoreSamplesPerSecond)}${spread(e.scoreSpread)}`,
      fmtRate(all?.scoreSamplesPerSecond),
      fmtRatio(e.ratioScoreAllCores),
      all?.blasGflops === undefined ? '-' : all.blasGflops.toFixed(1),
      fmtGflop(e.flops?.trainStep),
      fmtPercent(e.limitFractionTrain),
      fmtPercent(e.limitFractionScore),
      e.memory ? (e.memory.rssPeakBytes / 2 ** 20).toFixed(0) : '-',
    ]);
    detailRows.push([
      name,
      fmtRate(e.trainCpuSamplesPerSecond),
      fmtRate(e.pytorch?.['1-cpu']?.trainSamplesPerSecond),
      fmtRatio(e.ratioTrainCpu),
      fmtRate(e.scoreCpuSamplesPerSecond),
      fmtRate(e.pytorch?.['1-cpu']?.scoreSamplesPerSecond),
      fmtRatio(e.ratioScoreCpu),
      fmtRate(p1?.trainSamplesPerSecond),
      fmtRatio(e.ratioTrain),
      fmtRate(p1?.scoreSamplesPerSecond),
      fmtRatio(e.ratioScore),
      fmtPercent(e.limitFractionTrainCpu),
      fmtPercent(e.limitFractionScoreCpu),
      e.tensors ? `${e.tensors.growth >= 0 ? '+' : ''}${e.tensors.growth}` : '-',
    ]);
  }
  const out = table(header, rows);
  out.push('');
  out.push(
    `Backend ${record.backend} (${record.oursThreads} thread); batch ${record.shape.batchSize}, ` +
      `history ${record.shape.maxLen}; median of ${record.steps} steps after ${record.warmup} warm-up; ` +
      `ratio = ours / PyTorch${record.pytorch.torchVersion ? ` ${record.pytorch.torchVersion}` : ''} ` +
      `with ${N} threads (this machine's cores).`,
  );
  if (record.limit) {
    out.push(
      `Limit: ${record.limit.backend} reaches ${record.limit.matMulGflops.toFixed(1)} ` +
        `GFLOP/s on a [${record.limit.n}, ${record.limit.n}] x [${record.limit.n}, ` +
        `${record.limit.n}] matMul (best of ${record.limit.reps}, median ` +
        `${record.limit.medianGflops.toFixed(1)}), measured in this run; "limit reached" ` +
        `= (FLOPs per step at that speed) / measured step time.`,
    );
  }
  for (const r of refusals) out.push(`ratio refused: ${r}`);
  if (!record.pytorch.available) out.push(`PyTorch reference not run: ${record.pytorch.reason ?? 'unavailable'}`);
  if (detailRows.length > 0) {
    out.push('');
    out.push(...table(details, detailRows));
    out.push('');
    out.push(
      '"by CPU time": samples/s from this process\'s CPU time per step (what a step ' +
        'costs with a core to itself; wall-clock ratios are unreliable while other work ' +
        'shares the cores). Peak RSS: the largest resident set of the bench process while ' +
        'that model ran.',
    );
  }
  return out.join('\n');
}
