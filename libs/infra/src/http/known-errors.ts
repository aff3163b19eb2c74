import { ConflictException, HttpException, HttpStatus, UnprocessableEntityException } from '@nestjs/common';
import { DomainError, type DomainErrorCode } from '@ops/domain';
import { DuplicateEventIdError, WrongExpectedRevisionError } from '../event-store/event-store';
import { IdempotencyKeyReusedError } from '../event-sourcing/idempotency-key-claims';
import { FieldErrorsException } from './problem-details';

const DOMAIN_STATUS: Record<DomainErrorCode, HttpStatus> = {
  invalid: HttpStatus.BAD_REQUEST,
  conflict: HttpStatus.CONFLICT,
  forbidden: HttpStatus.FORBIDDEN,
  not_found: HttpStatus.NOT_FOUND,
  payment_required: HttpStatus.PAYMENT_REQUIRED,
};

/**
 * Turns the errors the domain and the event store raise on purpose into the HTTP answers they
 * mean, so handlers can let them through; anything else stays an internal failure.
 */
export function translateKnownError(exception: unknown): unknown {
  if (exception instanceof HttpException) return exception;
  if (exception instanceof DomainError) {
    const status = DOMAIN_STATUS[exception.code];
    return exception.field
      ? new FieldErrorsException([{ field: exception.field, message: exception.message }], status)
      : new HttpException(exception.message, status);
  }
  if (exception instanceof DuplicateEventIdError || exception instanceof IdempotencyKeyReusedError) {
    return new UnprocessableEntityException('This Idempotency-Key was already used for a different request');
  }
  if (exception instanceof WrongExpectedRevisionError) {
    return new ConflictException('The resource changed concurrently too many times; retry the request');
  }
  return exception;
}
