import type { Micros } from '../shared/micros';

export interface GrantCredits {
  readonly type: 'GrantCredits';
  readonly userId: string;
  readonly amountMicros: Micros;
  readonly reason: string;
}

export type CreditAccountCommand = GrantCredits;
