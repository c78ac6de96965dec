/**
 * Plotly figure specs for the papers' plots. Pure functions: numbers in, JSON figure out;
 * rendering is `showFigure` (inline) and `exportFigures` (files).
 *
 * - `variantBarFigure`: mean ± std per ablation variant (error bars), optional published values.
 * - `trainingCurvesFigure`: one line per run/variant over epochs (optional ± std band).
 * - `attentionBarsFigure`: attention weight of each history behaviour of one user, one bar
 *   group per candidate item (DIN Fig. "attention of one user's history").
 * - `attentionHeatmapFigure`: a matrix of weights (heads x positions, steps x positions).
 * - `attentionTreeFigure`: DHAN's two-level attention (cluster weights, item weights inside a
 *   cluster) as a sunburst.
 */
import { PlotlyFigure } from './figureRenderer';

const PALETTE = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
];

function baseLayout(title: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: { text: title },
    font: { family: 'DejaVu Sans, Arial, sans-serif', size: 13 },
    margin: { l: 70, r: 30, t: 60, b: 90 },
    paper_bgcolor: '#ffffff',
    plot_bgcolor: '#ffffff',
    ...extra,
  };
}

function requireSameLength(where: string, what: Record<string, ArrayLike<unknown> | undefined>, n: number): void {
  for (const [name, values] of Object.entries(what)) {
    if (values !== undefined && values.length !== n) {
      throw new Error(`${where}: ${name} has ${values.length} entries, expected ${n} (one per label)`);
    }
  }
}

export interface VariantBarInput {
  title: string;
  /** Metric axis title, e.g. "test AUC". */
  metric: string;
  variants: string[];
  means: number[];
  stds: number[];
  /** Published values per variant (NaN / null where the paper has none), drawn as markers. */
  published?: Array<number | null>;
  /** Legend name of the published markers (e.g. "DIEN paper, Table 2"). */
  publishedLabel?: string;
  /** Lower end of the value axis (default: just below the smallest bar, so differences show). */
  axisFloor?: number;
}

/**
 * A category label broken into lines of at most `width` characters at spaces (Plotly draws
 * `<br>` as a line break), so long variant names stay readable side by side.
 */
export function wrapTickLabel(label: string, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of label.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join('<br>');
}

/**
 * Bar per variant with ± std error bars; `published` adds diamond markers at the paper's values.
 * Each category label is the variant's name, wrapped (about 80 characters fit across the
 * figure), with the mean under it, where no error bar can cover it.
 */
export function variantBarFigure(input: VariantBarInput): PlotlyFigure {
  const n = input.variants.length;
  requireSameLength('variantBarFigure', { means: input.means, stds: input.stds, published: input.published }, n);
  const ticks = input.variants.map((v, i) => {
    const name = wrapTickLabel(v, Math.max(10, Math.floor(80 / Math.max(1, n))));
    return Number.isFinite(input.means[i]) ? `${name}<br><b>${input.means[i].toFixed(4)}</b>` : name;
  });
  const data: Array<Record<string, unknown>> = [
    {
      type: 'bar',
      name: 'ours (mean ± std over seeds)',
      x: ticks,
      y: input.means,
      error_y: { type: 'data', array: input.stds, visible: true },
      marker: { color: PALETTE[0] },
    },
  ];
  const finite = input.means.filter((v, i) => Number.isFinite(v) && Number.isFinite(input.stds[i]));
  const lows = finite.length ? finite.map((v, i) => v - (input.stds[i] || 0)) : [0];
  if (input.published && input.published.some((v) => v !== null && Number.isFinite(v))) {
    const ys = input.published.map((v) => (v === null || !Number.isFinite(v) ? null : v));
    data.push({
      type: 'scatter',
      mode: 'markers',
      name: input.publishedLabel ?? 'published',
      x: ticks,
      y: ys,
      marker: { symbol: 'diamond', size: 12, color: PALETTE[1] },
    });
    for (const v of ys) if (v !== null) lows.push(v);
  }
  const highs = input.means.map((m, i) => m + (input.stds[i] || 0)).filter(Number.isFinite);
  for (const v of input.published ?? []) if (v !== null && Number.isFinite(v)) highs.push(v);
  const min = Math.min(...lows.filter(Number.isFinite));
  const max = Math.max(...highs);
  const span = Math.max(max - min, 1e-3);
  const floor = input.axisFloor ?? Math.max(0, min - 0.25 * span);
  return {
    data,
    layout: baseLayout(input.title, {
      yaxis: { title: { text: input.metric }, range: [floor, max + 0.2 * span], zeroline: false, gridcolor: '#e5e5e5' },
      xaxis: { tickangle: 0, automargin: true },
      showlegend: data.length > 1,
      legend: { orientation: 'h', y: -0.25 },
    }),
  };
}

export interface CurveSeries {
  name: string;
  /** x values (epochs or steps). */
  x: number[];
  y: number[];
  /** Optional ± band. */
  std?: number[];
}

/** Lines over epochs (or steps), one per series, with optional shaded ± std bands. */
export function trainingCurvesFigure(input: {
  title: string;
  metric: string;
  xTitle?: string;
  series: CurveSeries[];
}): PlotlyFigure {
  const data: Array<Record<string, unknown>> = [];
  input.series.forEach((series, index) => {
    requireSameLength(
      `trainingCurvesFigure series "${series.name}"`,
      { y: series.y, std: series.std },
      series.x.length,
    );
    const color = PALETTE[index % PALETTE.length];
    if (series.std) {
      const upper = series.y.map((v, i) => v + series.std![i]);
      const lower = series.y.map((v, i) => v - series.std![i]);
      data.push({
        type: 'scatter',
        mode: 'lines',
        x: [...series.x, ...[...series.x].reverse()],
        y: [...upper, ...lower.reverse()],
        fill: 'toself',
        fillcolor: color,
        opacity: 0.15,
        line: { width: 0 },
        hoverinfo: 'skip',
        showlegend: false,
        name: `${series.name} ± std`,
      });
    }
    data.push({ type: 'scatter', mode: 'lines+markers', name: series.name, x: series.x, y: series.y, line: { color } });
  });
  return {
    data,
    layout: baseLayout(input.title, {
      xaxis: { title: { text: input.xTitle ?? 'epoch' }, gridcolor: '#e5e5e5' },
      yaxis: { title: { text: input.metric }, gridcolor: '#e5e5e5' },
      legend: { orientation: 'h', y: -0.2 },
    }),
  };
}

/**
 * Attention weight of each behaviour in one user's history (x: the behaviours, labelled, oldest
 * first), one bar group per candidate item. `weights[c][t]` belongs to candidate c, behaviour t.
 */
export function attentionBarsFigure(input: {
  title: string;
  behaviours: string[];
  candidates: string[];
  weights: number[][];
}): PlotlyFigure {
  requireSameLength('attentionBarsFigure', { weights: input.weights }, input.candidates.length);
  const x = input.behaviours.map((label, t) => `${t + 1}. ${label}`);
  const data = input.candidates.map((candidate, c) => {
    requireSameLength(
      `attentionBarsFigure candidate "${candidate}"`,
      { weights: input.weights[c] },
      input.behaviours.length,
    );
    return {
      type: 'bar',
      name: `candidate: ${candidate}`,
      x,
      y: input.weights[c],
      marker: { color: PALETTE[c % PALETTE.length] },
    };
  });
  return {
    data,
    layout: baseLayout(input.title, {
      barmode: 'group',
      xaxis: { title: { text: 'history behaviour (oldest first)' }, tickangle: -40, automargin: true },
      yaxis: { title: { text: 'attention weight' }, gridcolor: '#e5e5e5' },
      legend: { orientation: 'h', y: 1.08 },
    }),
  };
}

/** Heat map of `z[row][column]` (rows: heads or steps; columns: history positions). */
export function attentionHeatmapFigure(input: {
  title: string;
  rows: string[];
  columns: string[];
  z: number[][];
  rowTitle?: string;
  columnTitle?: string;
}): PlotlyFigure {
  requireSameLength('attentionHeatmapFigure', { z: input.z }, input.rows.length);
  input.z.forEach((row, r) =>
    requireSameLength(`attentionHeatmapFigure row "${input.rows[r]}"`, { values: row }, input.columns.length),
  );
  return {
    data: [
      {
        type: 'heatmap',
        x: input.columns,
        y: input.rows,
        z: input.z,
        colorscale: 'Blues',
        colorbar: { title: { text: 'weight' } },
      },
    ],
    layout: baseLayout(input.title, {
      xaxis: { title: { text: input.columnTitle ?? 'history position' }, automargin: true },
      yaxis: { title: { text: input.rowTitle ?? '' }, automargin: true, autorange: 'reversed' },
    }),
  };
}

export interface AttentionCluster {
  /** Cluster label (e.g. the category). */
  label: string;
  /** Level-2 weight of the cluster. */
  weight: number;
  /** The behaviours in the cluster and their level-1 weights (re-normalised inside the cluster for the drawing). */
  items: Array<{ label: string; weight: number }>;
}

/**
 * DHAN's attention tree for one user: the root (the candidate), the clusters sized by their
 * level-2 weight, each cluster's behaviours sharing its size by their level-1 weights.
 */
export function attentionTreeFigure(input: {
  title: string;
  root: string;
  clusters: AttentionCluster[];
}): PlotlyFigure {
  const ids: string[] = ['root'];
  const labels: string[] = [input.root];
  const parents: string[] = [''];
  const values: number[] = [0];
  const hover: string[] = [input.root];
  const clusterTotal = input.clusters.reduce((s, c) => s + Math.max(0, c.weight), 0) || 1;
  input.clusters.forEach((cluster, c) => {
    const clusterId = `c${c}`;
    const share = Math.max(0, cluster.weight) / clusterTotal;
    ids.push(clusterId);
    labels.push(`${cluster.label}<br>${share.toFixed(2)}`);
    parents.push('root');
    values.push(0);
    hover.push(`${cluster.label}: level-2 weight ${cluster.weight.toFixed(4)}`);
    const itemTotal = cluster.items.reduce((s, item) => s + Math.max(0, item.weight), 0);
    cluster.items.forEach((item, k) => {
      ids.push(`${clusterId}-i${k}`);
      labels.push(item.label);
      parents.push(clusterId);
      const within = itemTotal > 0 ? Math.max(0, item.weight) / itemTotal : 1 / cluster.items.length;
      values.push(share * within);
      hover.push(`${item.label}: level-1 weight ${item.weight.toFixed(4)}`);
    });
    if (cluster.items.length === 0) values[values.length - 1] = share;
  });
  return {
    data: [
      {
        type: 'sunburst',
        ids,
        labels,
        parents,
        values,
        branchvalues: 'remainder',
        hovertext: hover,
        hoverinfo: 'text',
        insidetextorientation: 'radial',
      },
    ],
    layout: baseLayout(input.title, { margin: { l: 10, r: 10, t: 60, b: 10 } }),
  };
}
