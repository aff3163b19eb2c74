import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { translateKnownError } from './known-errors';
import { redactUrl } from './logging/redact-secrets';
import { PROBLEM_CONTENT_TYPE, type ProblemDetails, toProblemDetails } from './problem-details';

export interface ErrorBody {
  contentType: string;
  body: unknown;
}

/** Renders a failure in another wire shape; gets the original exception for shape-specific codes. */
export type ErrorFormatter = (problem: ProblemDetails, exception: unknown) => ErrorBody;

/** Routes under `pathPrefix` answer errors through `format` instead of problem+json. */
export interface RouteErrorFormat {
  pathPrefix: string;
  format: ErrorFormatter;
}

const problemJson: ErrorFormatter = (problem) => ({ contentType: PROBLEM_CONTENT_TYPE, body: problem });

/**
 * The one place errors become HTTP responses: problem+json (RFC 9457) by default, another shape for
 * routes that speak a foreign protocol (the OpenAI-compatible gateway). Server faults are logged
 * here, with their stack; the client only learns that something went wrong.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemDetailsFilter.name);

  constructor(private readonly routeFormats: readonly RouteErrorFormat[] = []) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    // The query string is left out and the path redacted: either may carry credentials.
    const path = request.originalUrl.split('?')[0];
    const instance = redactUrl(path);
    const problem = toProblemDetails(translateKnownError(exception), instance);
    if (problem.status >= 500) this.logger.error({ err: exception, instance }, 'Request failed');
    if (response.headersSent) {
      // A streamed response already under way cannot change its status; cut it short instead.
      response.end();
      return;
    }
    const format =
      this.routeFormats.find((route) => path.startsWith(route.pathPrefix))?.format ?? problemJson;
    const { contentType, body } = format(problem, exception);
    response.status(problem.status).type(contentType).send(JSON.stringify(body));
  }
}
