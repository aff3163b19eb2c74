import {
  BadRequestException,
  HttpException,
  type INestApplication,
  PayloadTooLargeException,
} from '@nestjs/common';
import type { ExpressAdapter, NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';

/** Largest JSON or form body accepted; admin payloads are small and chat requests fit comfortably. */
export const BODY_LIMIT = '1mb';

/**
 * Installs the body parsers with our limit (Nest then skips its own) and turns their failures into
 * HttpExceptions, so that the problem filter answers them and no parser message leaks through.
 */
export function useBodyParsers(nestApp: INestApplication): void {
  if (nestApp.getHttpAdapter().getType() !== 'express') throw new Error('The HTTP platform expects Express');
  const app = nestApp as NestExpressApplication;
  // Signed webhooks (Stripe) are verified over the exact bytes received: JSON requests keep them
  // as `request.rawBody`, as Nest's own `rawBody` option does.
  (app.getHttpAdapter() as ExpressAdapter).useBodyParser('json', true, { limit: BODY_LIMIT });
  app.useBodyParser('urlencoded', { limit: BODY_LIMIT, extended: false });
  app.use((error: unknown, _request: Request, _response: Response, next: NextFunction) =>
    next(toHttpException(error)),
  );
}

/** body-parser reports with http-errors: a status, a machine `type`, and `expose` when safe to show. */
interface ParserError {
  status: number;
  type?: string;
  expose?: boolean;
  message: string;
}

function isParserError(error: unknown): error is ParserError {
  return error instanceof Error && typeof (error as Partial<ParserError>).status === 'number';
}

function toHttpException(error: unknown): unknown {
  if (!isParserError(error)) return error;
  if (error.type === 'entity.parse.failed') return new BadRequestException('Malformed JSON body');
  if (error.type === 'entity.too.large')
    return new PayloadTooLargeException(`Request body exceeds ${BODY_LIMIT}`);
  if (error.expose && error.status >= 400 && error.status < 500)
    return new HttpException(error.message, error.status);
  return error;
}
