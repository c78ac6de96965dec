/** Progress bars with rate and ETA for the terminal and Jupyter (tslab) cells. */
export { ProgressBar } from './progressBar';
export type { ProgressBarOptions } from './progressBar';
export {
  formatProgressLine,
  formatDuration as formatProgressDuration,
  formatCount as formatProgressCount,
  progressRate,
  progressEta,
} from './format';
export type { ProgressState } from './format';
export { terminalSink, logSink, notebookSink, silentSink, autoProgressSink, tslabDisplay } from './sinks';
export type { ProgressSink, TextStream, DisplayLike } from './sinks';
