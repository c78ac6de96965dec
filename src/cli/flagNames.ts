/**
 * Library option names -> the flags that set them, so that an error raised by the library
 * speaks to a command-line user in the names they typed ("needs the option dataDir" ->
 * "needs --data-dir").
 */
const FLAG_OF_OPTION: Record<string, string> = {
  dataDir: '--data-dir',
  itemTable: '--item-table',
  cacheDir: '--cache-dir',
  maxLen: '--max-len',
  validFraction: '--valid-fraction',
  clipNorm: '--clip-norm',
  learningRate: '--lr',
  batchSize: '--batch-size',
  maxStepsPerEpoch: '--max-steps',
  auxWeight: '--aux-weight',
  selectOn: '--select-on',
  interestHeads: '--heads',
};

/** Training fields named as `train.<field>` in messages (plain words like "epochs" are replaced only there). */
const FLAG_OF_TRAIN_FIELD: Record<string, string> = {
  ...FLAG_OF_OPTION,
  epochs: '--epochs',
  optimizer: '--optimizer',
  dropout: '--dropout',
  l2: '--l2',
  mba: '--mba',
};

/** `message` with every library option name replaced by its flag. */
export function speakFlags(message: string): string {
  let out = message.replace(/\btrain\.(\w+)\b/g, (whole, name: string) => FLAG_OF_TRAIN_FIELD[name] ?? whole);
  out = out
    .replace(/\bthe learning rate\b/g, '--lr')
    .replace(/\b(?:the )?option (\w+)\b/g, (whole, name: string) => FLAG_OF_OPTION[name] ?? whole);
  for (const [name, flag] of Object.entries(FLAG_OF_OPTION))
    out = out.replace(new RegExp(`(?<![\\w./-])${name}\\b`, 'g'), flag);
  return out;
}
