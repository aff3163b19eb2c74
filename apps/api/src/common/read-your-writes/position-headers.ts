import { decodePosition } from '@ops/infra/event-store/position';
import type { GlobalPosition } from '@ops/infra/event-store/event-store';
import { FieldErrorsException } from '@ops/infra/http/problem-details';
import type { Request } from 'express';

/** On a command's answer: the log position it committed. */
export const POSITION_HEADER = 'x-ops-position';
/** On a read: answer only once the read models serving it have applied this position. */
export const MIN_POSITION_HEADER = 'x-ops-min-position';
/** On an answer that waited for read models: `fresh`, or `stale` when the wait ran out first. */
export const READ_MODELS_HEADER = 'x-ops-read-models';

export function minPositionError(message: string): FieldErrorsException {
  return new FieldErrorsException([{ field: MIN_POSITION_HEADER, message }]);
}

/** The minimum position a read asks for, null when it asks for none; anything else is a 400. */
export function minPositionOf(request: Request): GlobalPosition | null {
  const value = request.header(MIN_POSITION_HEADER);
  if (value === undefined) return null;
  try {
    decodePosition(value);
  } catch {
    throw minPositionError(`${MIN_POSITION_HEADER} must be a position from ${POSITION_HEADER}`);
  }
  return value;
}
