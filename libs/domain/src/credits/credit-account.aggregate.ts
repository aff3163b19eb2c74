import { aggregate } from '../shared/aggregate';
import { creditAccountDecider } from './credit-account.decider';
import { CREDIT_ACCOUNT_SCHEMA_VERSIONS } from './credit-account.events';
import { creditAccountStream } from './credit-account.stream';

/** One person's prepaid credits, holds and plan. */
export const creditAccount = aggregate(
  creditAccountStream,
  creditAccountDecider,
  CREDIT_ACCOUNT_SCHEMA_VERSIONS,
);
