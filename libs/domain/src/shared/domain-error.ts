/**
 * A command the domain refuses. `invalid` is bad input (4xx, nothing appended); `conflict` is a
 * request that contradicts the current state; `forbidden` is a rule that protects something;
 * `payment_required` is spending that the account's credits or cap do not cover.
 */
export type DomainErrorCode = 'invalid' | 'conflict' | 'forbidden' | 'not_found' | 'payment_required';

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** The input field at fault, in the API's snake_case, when there is one. */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
