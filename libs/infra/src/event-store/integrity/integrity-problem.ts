/**
 * What a verifier can find wrong, always named by stream and revision:
 * - `hash_mismatch`: the stored event no longer hashes to its recorded hash (a field, its revision or
 *   its hash changed);
 * - `chain_broken`: the event does not link to the one stored before it (that one was changed and
 *   re-hashed, or replaced);
 * - `missing`: a revision is absent (deleted), from the chain's numbering or from a signed head;
 * - `reordered`: events sit in an order other than the one they were chained in;
 * - `unhashed`: the event carries no hash at all;
 * - `head_mismatch`: the event at a signed head's revision is not the one that was signed;
 * - `digest_invalid`: a signed digest does not hold (signature, key, or its list of heads);
 * - `malformed`: an export file itself is damaged (truncated, a line unreadable or out of place).
 */
export type IntegrityProblemKind =
  | 'hash_mismatch'
  | 'chain_broken'
  | 'missing'
  | 'reordered'
  | 'unhashed'
  | 'head_mismatch'
  | 'digest_invalid'
  | 'malformed';

export interface IntegrityProblem {
  stream: string;
  /** Decimal revision; the digest's own stream and revision for `digest_invalid`. */
  revision: string;
  problem: IntegrityProblemKind;
  detail: string;
}

/** Reports name at most this many problems (and count the rest): a wiped log must not exhaust memory. */
export const MAX_LISTED_PROBLEMS = 1_000;

/** Collects problems up to MAX_LISTED_PROBLEMS and counts them all. */
export class ProblemList {
  readonly listed: IntegrityProblem[] = [];
  total = 0;

  add = (problem: IntegrityProblem): void => {
    this.total += 1;
    if (this.listed.length < MAX_LISTED_PROBLEMS) this.listed.push(problem);
  };
}
