/**
 * A command the domain refuses. `invalid` is bad input (4xx, nothing appended); `conflict` is a
 * request that contradicts the current state; `forbidden` is a rule that protects something.
 */
export type DomainErrorCode = 'invalid' | 'conflict' | 'forbidden' | 'not_found';

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
