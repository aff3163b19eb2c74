/** A finance period: whole UTC days, both ends included, as the finance API takes it. */
export interface Period {
  from: string;
  to: string;
}
