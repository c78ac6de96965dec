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

/** A Markdown table: one row per model, train then score, ours vs PyTorch 1 and 2 threads. */
export function formatBenchTable(record: BenchRecord): string {
  const header = [
    'model',
    'train/s (p10-p90)',
    'PyTorch 1t',
    'ratio 1t',
    'PyTorch 2t',
    'ratio 2t',
    'score/s (p10-p90)',
    'PyTorch 1t',
    'ratio 1t',
    'PyTorch 2t',
    'ratio 2t',
    'train/s by CPU time',
    'PyTorch 1t by CPU',
    'ratio',
    'score/s by CPU time',
    'PyTorch 1t by CPU',
    'ratio',
    'tensors +/-',
    'peak RSS MB',
  ];
  const rows: string[][] = [];
  for (const [name, e] of Object.entries(record.models)) {
    if (!e) continue;
    if (e.status !== 'ok') {
      rows.push([name, `${e.status}: ${e.message ?? ''}`, ...new Array<string>(header.length - 2).fill('')]);
      continue;
    }
    const p1 = e.pytorch?.['1'];
    const p2 = e.pytorch?.['2'];
    const spread = (s?: { p10: number; p90: number }) => (s ? ` (${fmtRate(s.p10)}-${fmtRate(s.p90)})` : '');
    rows.push([
      name,
      `${fmtRate(e.trainSamplesPerSecond)}${spread(e.trainSpread)}`,
      fmtRate(p1?.trainSamplesPerSecond),
      fmtRatio(e.ratioTrain),
      fmtRate(p2?.trainSamplesPerSecond),
      fmtRatio(e.ratioTrain2Threads),
      `${fmtRate(e.scoreSamplesPerSecond)}${spread(e.scoreSpread)}`,
      fmtRate(p1?.scoreSamplesPerSecond),
      fmtRatio(e.ratioScore),
      fmtRate(p2?.scoreSamplesPerSecond),
      fmtRatio(e.ratioScore2Threads),
      fmtRate(e.trainCpuSamplesPerSecond),
      fmtRate(e.pytorch?.['1-cpu']?.trainSamplesPerSecond),
      fmtRatio(e.ratioTrainCpu),
      fmtRate(e.scoreCpuSamplesPerSecond),
      fmtRate(e.pytorch?.['1-cpu']?.scoreSamplesPerSecond),
      fmtRatio(e.ratioScoreCpu),
      e.tensors ? `${e.tensors.growth >= 0 ? '+' : ''}${e.tensors.growth}` : '-',
      e.memory ? (e.memory.rssPeakBytes / 2 ** 20).toFixed(0) : '-',
    ]);
  }
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const out = [line(header), line(header.map(() => '---')), ...rows.map(line)];
  out.push('');
  out.push(`Backend ${record.backend} (${record.oursThreads} thread); batch ${record.shape.batchSize}, history ${record.shape.maxLen}; median of ${record.steps} steps after ${record.warmup} warm-up; ratio = ours / PyTorch${record.pytorch.torchVersion ? ` ${record.pytorch.torchVersion}` : ''} with 1 or 2 threads.`);
  out.push('"by CPU time": samples/s from this process\'s CPU time per step (what a step costs with a core to itself; wall-clock ratios are unreliable while other work shares the cores).');
  if (!record.pytorch.available) out.push(`PyTorch reference not run: ${record.pytorch.reason ?? 'unavailable'}`);
  return out.join('\n');
}
