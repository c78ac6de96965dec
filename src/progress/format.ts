/** Text rendering of a progress state: bar, counts, rate and ETA. */

export interface ProgressState {
  label: string;
  /** Units done so far. */
  done: number;
  /** Total units (0 or undefined = unknown). */
  total?: number;
  /** Unit name for the rate ("samples", "runs", "batches"). */
  unit: string;
  /** Seconds since start. */
  elapsedSeconds: number;
  /** Free text shown after the bar (e.g. "loss 0.512"). */
  note?: string;
}

/** "1:05", "1:02:03"; "?" for non-finite. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

/** "950", "12.3k", "4.56M". */
export function formatCount(value: number): string {
  if (!Number.isFinite(value)) return '?';
  if (Math.abs(value) >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (Math.abs(value) >= 1e4) return `${(value / 1e3).toFixed(1)}k`;
  if (Number.isInteger(value)) return String(value);
  return value.toFixed(1);
}

/** Units per second so far (0 before any time has passed). */
export function progressRate(state: ProgressState): number {
  return state.elapsedSeconds > 0 ? state.done / state.elapsedSeconds : 0;
}

/** Seconds left at the current rate (NaN when unknown). */
export function progressEta(state: ProgressState): number {
  const rate = progressRate(state);
  if (!state.total || rate <= 0) return NaN;
  return Math.max(0, (state.total - state.done) / rate);
}

/** One line: `label [#######.......] 45/100 45% 12.3 samples/s ETA 0:05 elapsed 0:04 | note`. */
export function formatProgressLine(state: ProgressState, width = 24): string {
  const parts: string[] = [state.label];
  if (state.total && state.total > 0) {
    const fraction = Math.min(1, Math.max(0, state.done / state.total));
    const filled = Math.round(fraction * width);
    parts.push(`[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`);
    parts.push(`${formatCount(state.done)}/${formatCount(state.total)}`);
    parts.push(`${Math.floor(fraction * 100)}%`);
  } else {
    parts.push(formatCount(state.done));
  }
  parts.push(`${formatCount(Number(progressRate(state).toFixed(1)))} ${state.unit}/s`);
  if (state.total) parts.push(`ETA ${formatDuration(progressEta(state))}`);
  parts.push(`elapsed ${formatDuration(state.elapsedSeconds)}`);
  let line = parts.join(' ');
  if (state.note) line += ` | ${state.note}`;
  return line;
}
