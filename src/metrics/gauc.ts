/**
 * Group AUC as in the DIN paper (section 6.3): the impression-weighted mean of per-user AUCs,
 *   gAUC = sum_u #impressions_u * AUC_u / sum_u #impressions_u,
 * over users that have both a positive and a negative row (others are skipped: their AUC is
 * undefined). Porting note: the DIN repo's Eval_GAUC is the unweighted mean over users, which
 * equals this when every user has the same number of rows (one pos + one neg in its test set).
 */
import { auc } from './auc';
import { checkLabelsAndScores, NumericArray } from './validate';

export interface GaucResult {
  /** The weighted mean; NaN when no user has both classes. */
  gauc: number;
  /** Users that entered the mean. */
  usersScored: number;
  /** Users skipped because all their rows have one label. */
  usersSkipped: number;
}

/** gAUC with bookkeeping; `users` [N] holds the user id of each row. */
export function gaucDetailed(labels: NumericArray, scores: NumericArray, users: NumericArray): GaucResult {
  checkLabelsAndScores('gauc', labels, scores);
  if (users.length !== labels.length) {
    throw new Error(`gauc: users has length ${users.length} but labels has ${labels.length}; expected equal lengths`);
  }
  const rowsByUser = new Map<number, number[]>();
  for (let i = 0; i < users.length; i++) {
    const list = rowsByUser.get(users[i]);
    if (list) list.push(i);
    else rowsByUser.set(users[i], [i]);
  }
  let weighted = 0;
  let weight = 0;
  let usersScored = 0;
  let usersSkipped = 0;
  for (const rows of rowsByUser.values()) {
    const value = auc(labels, scores, rows);
    if (Number.isNaN(value)) {
      usersSkipped++;
      continue;
    }
    weighted += rows.length * value;
    weight += rows.length;
    usersScored++;
  }
  return { gauc: weight > 0 ? weighted / weight : NaN, usersScored, usersSkipped };
}

/** Impression-weighted per-user AUC ([N] labels, scores, users); users with one class are skipped. */
export function gauc(labels: NumericArray, scores: NumericArray, users: NumericArray): number {
  return gaucDetailed(labels, scores, users).gauc;
}
