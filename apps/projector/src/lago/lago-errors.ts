/** Lago answered with an error status; `body` is its parsed JSON error, when it sent one. */
export class LagoHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    operation: string,
  ) {
    super(`Lago ${operation} answered ${status}`);
    this.name = 'LagoHttpError';
  }

  /** Bad input that sending again cannot fix: the event is parked instead. */
  get isRefusal(): boolean {
    return this.status === 400 || this.status === 422;
  }
}

/** Lago could not be reached, or did not answer in time. */
export class LagoUnreachableError extends Error {
  constructor(operation: string, cause: unknown) {
    super(`Lago ${operation} failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'LagoUnreachableError';
  }
}

/**
 * Worth retrying: Lago down, slow, rate limiting (429) or failing (5xx). A 401/403/404 is a setup
 * problem (key, URL) that an operator fixes; retrying until then loses nothing, parking would.
 */
export function isTransient(error: unknown): boolean {
  if (error instanceof LagoUnreachableError) return true;
  return error instanceof LagoHttpError && !error.isRefusal;
}

/** Lago's validation errors: `error_details` maps a field (or, for a batch, an event index) to codes. */
export function errorDetailsOf(body: unknown): Record<string, unknown> | null {
  if (typeof body !== 'object' || body === null) return null;
  const details = (body as { error_details?: unknown }).error_details;
  return typeof details === 'object' && details !== null && !Array.isArray(details)
    ? (details as Record<string, unknown>)
    : null;
}

/** True when every error of one event is `value_already_exist`: Lago has that event already. */
export function onlyAlreadyExists(fieldErrors: unknown): boolean {
  if (typeof fieldErrors !== 'object' || fieldErrors === null) return false;
  const codes = Object.values(fieldErrors).flatMap((value) => (Array.isArray(value) ? value : [value]));
  return codes.length > 0 && codes.every((code) => code === 'value_already_exist');
}
