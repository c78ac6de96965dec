/** Text lines shared by the commands. */
import type { EpochMetrics, SplitMetrics } from '../../train/outcome';

function splitText(name: string, m: SplitMetrics | undefined): string {
  if (!m) return '';
  return ` | ${name} AUC ${m.auc.toFixed(4)} gAUC ${m.gauc.toFixed(4)} logloss ${m.logloss.toFixed(4)}`;
}

/** `epoch 2: loss 0.6012 (aux 0.69) lr 0.001, 5123 samples/s | valid AUC ... | test AUC ...`. */
export function formatSummaryLineOfEpoch(m: EpochMetrics): string {
  const aux = m.auxLoss !== undefined ? ` (aux ${m.auxLoss.toFixed(4)})` : '';
  return (
    `epoch ${m.epoch + 1}: loss ${m.trainLoss.toFixed(4)}${aux} lr ` +
    `${m.learningRate}, ${m.samplesPerSecond.toFixed(0)} samples/s` +
    splitText('valid', m.valid) +
    splitText('test', m.test)
  );
}
