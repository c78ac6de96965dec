/**
 * Relative improvement over a named base model (DIN paper, section 6.3):
 *   RelaImpr = ((AUC(measured) - 0.5) / (AUC(base) - 0.5) - 1) * 100%.
 * Returned in percent: relaImpr(0.8871, 0.8624) = 6.82...
 */
export function relaImpr(measuredAuc: number, baseAuc: number): number {
  if (!(baseAuc > 0.5)) {
    throw new Error(`relaImpr: base AUC ${baseAuc}; expected a value above 0.5 (RelaImpr divides by AUC - 0.5)`);
  }
  return ((measuredAuc - 0.5) / (baseAuc - 0.5) - 1) * 100;
}
