/**
 * A progress bar with rate and ETA. Redraws are throttled (default every 200 ms) so that
 * ticking per batch costs nothing and a notebook cell gets a handful of updates per second.
 *
 *   const bar = new ProgressBar({ label: 'epoch 1', total: 1000, unit: 'samples' });
 *   bar.tick(128, 'loss 0.61'); ... bar.finish();
 */
import { ProgressState } from './format';
import { autoProgressSink, ProgressSink } from './sinks';

export interface ProgressBarOptions {
  label: string;
  total?: number;
  unit?: string;
  /** Default: autoProgressSink(). */
  sink?: ProgressSink;
  /** Minimum milliseconds between redraws (default 200). */
  minIntervalMs?: number;
  /** Clock in milliseconds (tests inject one). */
  now?: () => number;
}

export class ProgressBar {
  private readonly sink: ProgressSink;
  private readonly now: () => number;
  private readonly startMs: number;
  private readonly minIntervalMs: number;
  private lastDrawMs = -Infinity;
  private finished = false;
  private readonly state: ProgressState;

  constructor(options: ProgressBarOptions) {
    this.sink = options.sink ?? autoProgressSink();
    this.now = options.now ?? (() => performance.now());
    this.startMs = this.now();
    this.minIntervalMs = options.minIntervalMs ?? 200;
    this.state = { label: options.label, done: 0, total: options.total, unit: options.unit ?? 'it', elapsedSeconds: 0 };
  }

  /** Adds `amount` units done; `note` replaces the text after the bar. */
  tick(amount = 1, note?: string): void {
    this.update(this.state.done + amount, note);
  }

  /** Sets the units done. */
  update(done: number, note?: string): void {
    if (this.finished) return;
    this.state.done = done;
    if (note !== undefined) this.state.note = note;
    const nowMs = this.now();
    this.state.elapsedSeconds = (nowMs - this.startMs) / 1000;
    if (nowMs - this.lastDrawMs >= this.minIntervalMs) {
      this.lastDrawMs = nowMs;
      this.sink.render({ ...this.state }, false);
    }
  }

  /** Draws the final state once; later calls do nothing. */
  finish(note?: string): void {
    if (this.finished) return;
    if (note !== undefined) this.state.note = note;
    this.state.elapsedSeconds = (this.now() - this.startMs) / 1000;
    this.finished = true;
    this.sink.render({ ...this.state }, true);
  }

  /** A copy of the current state. */
  snapshot(): ProgressState {
    return { ...this.state };
  }
}
