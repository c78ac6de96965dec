/** Figures of a dataset: history lengths, category frequencies, the synthetic ground truth. */
import type { Dataset } from '../data/types';
import type { PlotlyFigure } from './figureRenderer';
import { attentionHeatmapFigure } from './figures';

/** Histogram of history lengths (the data layer's bins). */
export function historyLengthFigure(dataset: Dataset): PlotlyFigure {
  const h = dataset.stats().historyLength;
  const labels = h.counts.map((_, i) =>
    i + 1 < h.edges.length ? `${h.edges[i]}-${h.edges[i + 1] - 1}` : `${h.edges[i]}+`,
  );
  return {
    data: [{ type: 'bar', x: labels, y: h.counts, marker: { color: '#1f77b4' }, name: 'samples' }],
    layout: {
      title: {
        text:
          `${dataset.name}: history length per sample (mean ${h.mean.toFixed(1)}, median ` +
          `${h.median}, p90 ${h.p90})`,
      },
      xaxis: { title: { text: 'history length' } },
      yaxis: { title: { text: 'samples' } },
      font: { family: 'DejaVu Sans, Arial, sans-serif', size: 13 },
    },
  };
}

/** Behaviours per level-0 category, the `top` most frequent (from the training-split counts). */
export function categoryDistributionFigure(dataset: Dataset, top = 30): PlotlyFigure {
  const counts = dataset.catCounts[0];
  const ids = Array.from({ length: counts.length - 1 }, (_, i) => i + 1)
    .sort((a, b) => counts[b] - counts[a])
    .slice(0, top);
  const names = dataset.vocab.cats[0];
  const label = (id: number): string => (names && names[id] !== undefined ? String(names[id]) : `cat ${id}`);
  return {
    data: [
      {
        type: 'bar',
        x: ids.map(label),
        y: ids.map((id) => counts[id]),
        marker: { color: '#1f77b4' },
        name: 'occurrences',
      },
    ],
    layout: {
      title: {
        text:
          `${dataset.name}: the ${ids.length} most frequent categories (level ` +
          `"${dataset.levelNames[0] ?? 0}", training split)`,
      },
      xaxis: { tickangle: -40, automargin: true },
      yaxis: { title: { text: 'occurrences (targets + histories)' } },
      font: { family: 'DejaVu Sans, Arial, sans-serif', size: 13 },
    },
  };
}

/**
 * The synthetic generator's ground truth for one user: which level-0 category each of the
 * user's concurrent interests sits on at every step (a heat map, interests x steps).
 */
export function groundTruthFigure(dataset: Dataset, user = 1): PlotlyFigure {
  const truth = dataset.groundTruth;
  if (!truth) throw new Error(`dataset ${dataset.name} has no ground truth (only synthetic data has one)`);
  const { interests: K, steps } = truth;
  const z: number[][] = [];
  for (let k = 0; k < K; k++) {
    const row: number[] = [];
    for (let t = 0; t < steps; t++) row.push(truth.trajectory[(user * steps + t) * K + k]);
    z.push(row);
  }
  const weights = Array.from({ length: K }, (_, k) => truth.interestWeights[user * K + k]);
  const figure = attentionHeatmapFigure({
    title: `${dataset.name}: ground-truth interests of user ${user} (cell = category id)`,
    rows: weights.map((w, k) => `interest ${k + 1} (weight ${w.toFixed(2)})`),
    columns: Array.from({ length: steps }, (_, t) => String(t + 1)),
    z,
    rowTitle: 'interest',
    columnTitle: 'step',
  });
  (figure.data[0] as Record<string, unknown>).colorscale = 'Viridis';
  (figure.data[0] as Record<string, unknown>).colorbar = { title: { text: 'category id' } };
  return figure;
}
