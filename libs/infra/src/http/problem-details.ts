import { HttpException, HttpStatus } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface FieldError {
  /** Dotted path of the offending property, e.g. `items.0.name`. */
  field: string;
  message: string;
}

/** RFC 9457 problem details, plus the per-field list a validation failure carries. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  errors?: FieldError[];
}

/** An HttpException that lists the fields at fault; the problem filter copies them into `errors`. */
export class FieldErrorsException extends HttpException {
  constructor(
    readonly errors: FieldError[],
    status: number = HttpStatus.BAD_REQUEST,
  ) {
    super(errors.map((error) => error.message).join('; '), status);
  }
}

/**
 * Reduces anything thrown to problem details. Only HttpExceptions speak to the client: their
 * messages are written for it. Anything else is an internal failure whose text may hold internals.
 */
export function toProblemDetails(exception: unknown, instance: string): ProblemDetails {
  const status =
    exception instanceof HttpException ? exception.getStatus() : HttpStatus.INTERNAL_SERVER_ERROR;
  const problem: ProblemDetails = {
    type: 'about:blank',
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail: exception instanceof HttpException ? detailOf(exception) : 'An unexpected error occurred',
    instance,
  };
  if (exception instanceof FieldErrorsException) problem.errors = exception.errors;
  return problem;
}

function detailOf(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.map(String).join('; ');
  return exception.message;
}
