/**
 * Worker process of a parallel sweep (started by runner.ts with an IPC channel): sets up
 * its own backend, then executes runs sent by the parent one at a time and replies with the
 * record file, until the parent disconnects.
 *
 * A worker never outlives its parent: when the channel closes (the parent exited, was killed,
 * even with SIGKILL) or the worker finds itself re-parented, it exits at once, before writing
 * another record. The parent disconnects only when no run is in flight, so a normal end loses
 * nothing.
 */
import { executePlannedRun } from './executeRun';
import type { WorkerReply, WorkerRequest } from './runner';

/** Milliseconds between checks that the parent is still this worker's parent. */
const PARENT_CHECK_MS = 500;

/** Sends to the parent; a parent that is gone ends this worker (no EPIPE error). */
function reply(message: WorkerReply): void {
  if (!process.connected) process.exit(0);
  process.send?.(message, undefined, {}, (err) => {
    if (err) process.exit(0);
  });
}

if (require.main === module && process.send) {
  const parent = process.ppid;
  const orphaned = () => !process.connected || process.ppid !== parent;
  const leave = () => process.exit(0);
  let chain: Promise<void> = Promise.resolve();
  process.on('message', (message: WorkerRequest) => {
    if (message?.type !== 'run') return;
    chain = chain.then(async () => {
      try {
        const record = await executePlannedRun(message.run, message.resultsDir, {
          beforeWrite: () => orphaned() && leave(),
        });
        void record;
        const { runRecordPath } = await import('./runRecord');
        reply({ type: 'done', file: runRecordPath(message.resultsDir, message.run.key) });
      } catch (err) {
        reply({ type: 'error', error: err instanceof Error ? err.message : String(err) });
      }
    });
  });
  process.on('disconnect', leave);
  // the channel's close is seen between steps; a re-parented worker is also caught by polling
  setInterval(() => orphaned() && leave(), PARENT_CHECK_MS).unref();
  reply({ type: 'ready' });
}
