import {
  BadRequestException,
  HttpException,
  type INestApplication,
  PayloadTooLargeException,
} from '@nestjs/common';
import type { ExpressAdapter, NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import type { IncomingMessage } from 'node:http';
import { exceedsJsonDepth, JsonTooDeepError } from './json-depth';

/** Largest JSON or form body accepted; admin payloads are small and chat requests fit comfortably. */
export const BODY_LIMIT = '1mb';

/**
 * Installs the body parsers with our limit (Nest then skips its own) and turns their failures into
 * HttpExceptions, so that the problem filter answers them and no parser message leaks through.
 */
export function useBodyParsers(nestApp: INestApplication, maxJsonDepth: number): void {
  if (nestApp.getHttpAdapter().getType() !== 'express') throw new Error('The HTTP platform expects Express');
  const app = nestApp as NestExpressApplication;
  (app.getHttpAdapter() as ExpressAdapter).useBodyParser('json', false, {
    limit: BODY_LIMIT,
    verify: (request: IncomingMessage, _response: unknown, body: Buffer, encoding: string) => {
      // Signed webhooks (Stripe) are verified over the exact bytes received: JSON requests keep them
      // as `request.rawBody`, as Nest's own `rawBody` option does (which would replace this check).
      (request as IncomingMessage & { rawBody?: Buffer }).rawBody = body;
      if (exceedsJsonDepth(decode(body, encoding), maxJsonDepth)) throw new JsonTooDeepError(maxJsonDepth);
    },
  });
  app.useBodyParser('urlencoded', { limit: BODY_LIMIT, extended: false });
  app.use((error: unknown, _request: Request, _response: Response, next: NextFunction) =>
    next(toHttpException(error)),
  );
}

/** body-parser admits any `utf-*` charset; one TextDecoder cannot read is refused as body-parser would. */
function decode(body: Buffer, encoding: string): string {
  try {
    return new TextDecoder(encoding || 'utf-8').decode(body);
  } catch {
    throw Object.assign(new Error(`unsupported charset "${encoding}"`), {
      status: 415,
      type: 'charset.unsupported',
      expose: true,
    });
  }
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
  if (error instanceof JsonTooDeepError) return new BadRequestException(error.message);
  if (error.type === 'entity.too.large')
    return new PayloadTooLargeException(`Request body exceeds ${BODY_LIMIT}`);
  if (error.expose && error.status >= 400 && error.status < 500)
    return new HttpException(error.message, error.status);
  return error;
}
