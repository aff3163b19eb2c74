import type { IncomingMessage, ServerResponse } from 'node:http';
import { type DestinationStream, type Level, type Logger, pino, stdTimeFunctions } from 'pino';
import type { Options as HttpLoggerOptions } from 'pino-http';
import { assignRequestId } from './request-id';

const CENSOR = '[redacted]';

/**
 * Credentials never reach a log line. Headers are listed by name; credential-like keys are listed
 * at the top level and one level down (pino's wildcards do not recurse), which covers log objects
 * and serialized errors. Request bodies are never logged.
 */
export const REDACTED_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers["proxy-authorization"]',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  ...[
    'password',
    'api_key',
    'apiKey',
    'secret',
    'token',
    'access_token',
    'refresh_token',
    'authorization',
  ].flatMap((key) => [key, `*.${key}`]),
];

export function createRootLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: [...REDACTED_PATHS], censor: CENSOR },
      base: { pid: process.pid },
      timestamp: stdTimeFunctions.isoTime,
    },
    destination,
  );
}

export function httpLoggerOptions(logger: Logger): HttpLoggerOptions {
  return {
    logger,
    genReqId: assignRequestId,
    customLogLevel: (_request: IncomingMessage, response: ServerResponse, error?: Error): Level => {
      if (error || response.statusCode >= 500) return 'error';
      return response.statusCode >= 400 ? 'warn' : 'info';
    },
  };
}
