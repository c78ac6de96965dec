/**
 * The two Amazon protocols (docs/papers.md §1.3, §2.3, §3), applied to any BehaviourLog.
 *
 * DIN (DIN repo build_dataset.py, BARS AmazonElectronics_x1): per user with time-ordered
 * positives b1..bn, for k = 1..n-2 a training pair (history b1..bk, target b(k+1), label 1)
 * plus the same history with one negative drawn uniformly from items not among the user's
 * positives; k = n-1 gives the test pair. Validation: for a seeded share of users (with n >= 3)
 * the last training pair (k = n-2) moves to 'valid'.
 *
 * DIEN (DIEN repo process_data.py / local_aggretor.py / split_by_user.py): one positive (the
 * last review) and one negative per user, history = all previous clicks; users split into
 * test / train (seeded), 'valid' carved from the training users. Negatives: popularity-
 * proportional by default, never among the user's positives unless allowOwnHistoryNegatives.
 */
import { Rng } from '../random';
import type { BehaviourLog } from './behaviourLog';
import { NegativeDrawer } from './negatives';
import { SampleTableBuilder } from './sampleTable';
import type { NegativeSampler, ProtocolName, SampleTable, SplitName } from './types';
import { holdOutUsers } from './userSplit';

export interface ProtocolOptions {
  protocol: ProtocolName;
  seed: number;
  validFraction: number;
  testFraction: number;
  userSplit: 'exact' | 'bernoulli';
  negatives: NegativeSampler;
  allowOwnHistoryNegatives: boolean;
}

export function applyProtocol(log: BehaviourLog, o: ProtocolOptions): Record<SplitName, SampleTable> {
  return o.protocol === 'din' ? dinProtocol(log, o) : dienProtocol(log, o);
}

function usersWithAtLeast(log: BehaviourLog, n: number): Int32Array {
  const out: number[] = [];
  const { offsets } = log.sequences;
  for (let u = 1; u < log.users.length; u++) if (offsets[u + 1] - offsets[u] >= n) out.push(u);
  return Int32Array.from(out);
}

export function dinProtocol(log: BehaviourLog, o: ProtocolOptions): Record<SplitName, SampleTable> {
  const root = new Rng(o.seed);
  const negRng = root.fork('din-negatives');
  const { offsets, items } = log.sequences;
  const drawer = new NegativeDrawer(o.negatives, log.items.length, items, log.sequences, o.allowOwnHistoryNegatives);
  const eligible = usersWithAtLeast(log, 3);
  const heldOut = holdOutUsers(eligible, o.validFraction, o.userSplit, root.fork('din-valid'));
  const validUser = new Uint8Array(log.users.length);
  eligible.forEach((u, i) => (validUser[u] = heldOut[i]));
  const train = new SampleTableBuilder();
  const valid = new SampleTableBuilder();
  const test = new SampleTableBuilder();
  for (let u = 1; u < log.users.length; u++) {
    const a = offsets[u];
    const n = offsets[u + 1] - a;
    for (let i = 1; i < n; i++) {
      const pos = items[a + i];
      const neg = drawer.draw(negRng, u, pos);
      const out = i === n - 1 ? test : i === n - 2 && validUser[u] ? valid : train;
      out.add(u, pos, 1, i);
      out.add(u, neg, 0, i);
    }
  }
  return { train: train.build(), valid: valid.build(), test: test.build() };
}

export function dienProtocol(log: BehaviourLog, o: ProtocolOptions): Record<SplitName, SampleTable> {
  const root = new Rng(o.seed);
  const negRng = root.fork('dien-negatives');
  const { offsets, items } = log.sequences;
  const drawer = new NegativeDrawer(o.negatives, log.items.length, items, log.sequences, o.allowOwnHistoryNegatives);
  const eligible = usersWithAtLeast(log, 2);
  const testMark = holdOutUsers(eligible, o.testFraction, o.userSplit, root.fork('dien-test'));
  const trainUsers = eligible.filter((_, i) => !testMark[i]);
  const validMark = holdOutUsers(trainUsers, o.validFraction, o.userSplit, root.fork('dien-valid'));
  const split = new Uint8Array(log.users.length); // 0 train, 1 valid, 2 test
  eligible.forEach((u, i) => (split[u] = testMark[i] ? 2 : 0));
  trainUsers.forEach((u, i) => (split[u] = validMark[i] ? 1 : 0));
  const builders = [new SampleTableBuilder(), new SampleTableBuilder(), new SampleTableBuilder()];
  for (const u of eligible) {
    const a = offsets[u];
    const n = offsets[u + 1] - a;
    const pos = items[a + n - 1];
    const neg = drawer.draw(negRng, u, pos);
    const b = builders[split[u]];
    // Same order as the DIEN script: the negative line, then the positive one.
    b.add(u, neg, 0, n - 1);
    b.add(u, pos, 1, n - 1);
  }
  return { train: builders[0].build(), valid: builders[1].build(), test: builders[2].build() };
}
