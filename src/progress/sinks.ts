/**
 * Where a progress bar draws: a terminal line rewritten in place with `\r`, a Jupyter
 * output rewritten in place through tslab's display API (Jupyter `update_display_data`),
 * a plain log that prints at most a few lines (CI logs, pipes), or nothing.
 */
import { tslabDisplayHook, WriteDisplayData } from '../tslabHook';
import { formatProgressLine, ProgressState } from './format';

export interface ProgressSink {
  /** Draws the state; `final` = the last call for this bar. */
  render(state: ProgressState, final: boolean): void;
}

/** Minimal writable: process.stderr or a test double. */
export interface TextStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Rewrites one terminal line in place (`\r` + clear to end of line); newline at the end. */
export function terminalSink(stream: TextStream = process.stderr): ProgressSink {
  return {
    render(state, final) {
      let line = formatProgressLine(state);
      const columns = stream.columns ?? 0;
      if (columns > 10 && line.length >= columns) line = line.slice(0, columns - 1);
      stream.write(`\r${line}\x1b[K${final ? '\n' : ''}`);
    },
  };
}

/**
 * For streams that are not terminals: prints a line only when another `everyPercent` of the
 * total is done (at most ~100/everyPercent + 1 lines per bar), or for unknown totals every
 * `everySeconds`.
 */
export function logSink(stream: TextStream = process.stderr, everyPercent = 10, everySeconds = 30): ProgressSink {
  let lastBucket = -1;
  let lastSeconds = -Infinity;
  let lastLine = '';
  return {
    render(state, final) {
      let due = false;
      if (state.total && state.total > 0) {
        const bucket = Math.floor(((state.done / state.total) * 100) / everyPercent);
        if (bucket > lastBucket) {
          due = true;
          lastBucket = bucket;
        }
      } else if (state.elapsedSeconds - lastSeconds >= everySeconds) {
        due = true;
        lastSeconds = state.elapsedSeconds;
      }
      if (final) {
        // the final line unless the same count was just printed
        const line = formatProgressLine(state);
        if (line.split(' elapsed ')[0] !== lastLine.split(' elapsed ')[0]) stream.write(`${line}\n`);
        return;
      }
      if (due) {
        lastLine = formatProgressLine(state);
        stream.write(`${lastLine}\n`);
      }
    },
  };
}

/** The part of tslab's `Display` we use. */
export interface DisplayLike {
  text(s: string): void;
  html?(s: string): void;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Draws into one notebook output that is replaced on every update (`tslab.newDisplay()`
 * sends `display_data` once and `update_display_data` after), as an HTML progress element
 * with a plain-text fallback line.
 */
export function notebookSink(display: DisplayLike): ProgressSink {
  return {
    render(state, final) {
      const line = formatProgressLine(state);
      if (display.html) {
        const value = state.total ? Math.min(state.done, state.total) : 0;
        const max = state.total || 1;
        const bar = state.total ? `<progress value="${value}" max="${max}" style="width:240px"></progress> ` : '';
        display.html(`<div style="font-family:monospace">${bar}${escapeHtml(line)}${final ? ' ✓' : ''}</div>`);
      } else {
        display.text(line);
      }
    },
  };
}

/** Draws nothing. */
export const silentSink: ProgressSink = { render() {} };

let displayCounter = 0;

/**
 * A display that replaces one notebook output in place when this process is a tslab
 * (Jupyter) kernel: the first draw sends `display_data` with a `display_id`, later draws
 * `update_display_data` with the same id (what tslab's `newDisplay()` does). Undefined
 * outside a kernel. `hook` may be injected (tests).
 */
export function tslabDisplay(hook: WriteDisplayData | undefined = tslabDisplayHook()): DisplayLike | undefined {
  if (!hook) return undefined;
  const displayId = `dil-progress-${process.pid}-${++displayCounter}-${Date.now()}`;
  let shown = false;
  const send = (mime: string, content: string) => {
    const data: Record<string, string> = { [mime]: content };
    hook({ data, metadata: {}, transient: { display_id: displayId } }, shown);
    shown = true;
  };
  return { text: (s) => send('text/plain', s), html: (s) => send('text/html', s) };
}

/**
 * The best sink here: the notebook cell inside a tslab kernel, `\r` in a terminal, a few log
 * lines otherwise; `DIL_PROGRESS=off` silences, `DIL_PROGRESS=log` forces log lines.
 */
export function autoProgressSink(
  stream: TextStream = process.stderr,
  env: NodeJS.ProcessEnv = process.env,
): ProgressSink {
  const mode = env.DIL_PROGRESS?.trim();
  if (mode === 'off') return silentSink;
  if (mode === 'log') return logSink(stream);
  const display = tslabDisplay();
  if (display) return notebookSink(display);
  return stream.isTTY ? terminalSink(stream) : logSink(stream);
}
