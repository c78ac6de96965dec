/**
 * Worker process of a parallel sweep (started by runner.ts with an IPC channel): sets up
 * its own backend, then executes runs sent by the parent one at a time and replies with the
 * record file, until the parent disconnects.
 */
import { executePlannedRun } from './executeRun';
import type { WorkerReply, WorkerRequest } from './runner';

function reply(message: WorkerReply): void {
  process.send?.(message);
}

if (require.main === module && process.send) {
  let chain: Promise<void> = Promise.resolve();
  process.on('message', (message: WorkerRequest) => {
    if (message?.type !== 'run') return;
    chain = chain.then(async () => {
      try {
        const record = await executePlannedRun(message.run, message.resultsDir);
        void record;
        const { runRecordPath } = await import('./runRecord');
        reply({ type: 'done', file: runRecordPath(message.resultsDir, message.run.key) });
      } catch (err) {
        reply({ type: 'error', error: err instanceof Error ? err.message : String(err) });
      }
    });
  });
  process.on('disconnect', () => {
    void chain.then(() => process.exit(0));
  });
  reply({ type: 'ready' });
}
