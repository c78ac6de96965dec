import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatProgressDuration as formatDuration,
  formatProgressLine,
  logSink,
  notebookSink,
  ProgressBar,
  progressEta,
  terminalSink,
  tslabDisplay,
} from '../../src/progress';

test('formatProgressLine: bar, counts, rate and ETA', () => {
  const line = formatProgressLine({ label: 'epoch 1', done: 25, total: 100, unit: 'steps', elapsedSeconds: 5 }, 10);
  // 25 steps in 5 s = 5 steps/s; 75 left -> 15 s
  assert.equal(line, 'epoch 1 [###.......] 25/100 25% 5 steps/s ETA 0:15 elapsed 0:05');
  assert.equal(progressEta({ label: '', done: 0, total: 10, unit: 'x', elapsedSeconds: 3 }), NaN);
  assert.equal(formatDuration(3725), '1:02:05');
});

test('ProgressBar + terminalSink: redraws in place with \\r, throttled, newline at finish', () => {
  const writes: string[] = [];
  let clock = 0;
  const bar = new ProgressBar({
    label: 'x',
    total: 1000,
    unit: 'it',
    sink: terminalSink({ write: (s: string) => writes.push(s), isTTY: true }),
    minIntervalMs: 100,
    now: () => clock,
  });
  for (let i = 0; i < 1000; i++) {
    clock += 1; // 1 ms per tick -> one redraw per 100 ticks
    bar.tick();
  }
  bar.finish();
  assert.ok(writes.length <= 12, `${writes.length} redraws`);
  assert.ok(writes.every((w) => w.startsWith('\r')));
  assert.equal(writes.filter((w) => w.includes('\n')).length, 1);
  assert.ok(writes[writes.length - 1].includes('1000/1000 100%'));
  assert.ok(writes[writes.length - 1].includes('1000 it/s'));
});

test('logSink prints at most one line per 10% step', () => {
  const lines: string[] = [];
  let clock = 0;
  const bar = new ProgressBar({
    label: 'y',
    total: 5000,
    sink: logSink({ write: (s: string) => lines.push(s) }),
    minIntervalMs: 0,
    now: () => clock++,
  });
  for (let i = 0; i < 5000; i++) bar.tick();
  bar.finish();
  assert.ok(lines.length <= 12 && lines.length >= 10, `${lines.length} lines`);
});

test('notebook display: first display_data, then update_display_data with the same display_id', () => {
  const messages: { data: Record<string, string>; transient: { display_id: string }; update: boolean }[] = [];
  const display = tslabDisplay((message, update) =>
    messages.push({ data: message.data, transient: message.transient as { display_id: string }, update }),
  );
  assert.ok(display);
  let clock = 0;
  const bar = new ProgressBar({
    label: 'nb',
    total: 10,
    sink: notebookSink(display!),
    minIntervalMs: 0,
    now: () => (clock += 1000),
  });
  for (let i = 0; i < 10; i++) bar.tick();
  bar.finish();
  assert.equal(messages.length, 11);
  assert.equal(messages[0].update, false);
  assert.ok(messages.slice(1).every((m) => m.update));
  assert.equal(new Set(messages.map((m) => m.transient.display_id)).size, 1);
  assert.match(messages[10].data['text/html'], /<progress value="10" max="10"/);
  assert.equal(tslabDisplay(undefined), undefined);
});
