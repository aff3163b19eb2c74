import type { IncomingMessage, ServerResponse } from 'node:http';
import { type DestinationStream, type Level, type Logger, pino, stdTimeFunctions } from 'pino';
import type { Options as HttpLoggerOptions } from 'pino-http';
import { redactQuery, redactUrl } from './redact-secrets';
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

/** The access log's view of a request, as pino's standard serializer hands it over. */
interface SerializedRequest {
  id?: unknown;
  method?: string;
  url?: string;
  query?: unknown;
  params?: unknown;
  headers?: Record<string, unknown>;
  remoteAddress?: string;
}

/**
 * URLs are logged without their query values and without anything that looks like a key: a client
 * that puts a credential in the URL is refused, and that refusal must not write the credential down.
 */
function redactRequestUrl(request: SerializedRequest): SerializedRequest {
  if (typeof request.url === 'string') request.url = redactUrl(request.url);
  if (request.query !== undefined) request.query = redactQuery(request.query);
  if (request.params !== undefined) request.params = redactQuery(request.params);
  return request;
}

/**
 * What an access-log line keeps of a request: who and what, not every header. Serialising and
 * redacting each request's and response's headers was a good part of a gateway request's cost, and
 * a header is a place credentials hide; the user agent is the one an operator asks for.
 */
export function accessLogRequest(request: SerializedRequest): SerializedRequest & { userAgent?: unknown } {
  const { id, method, url, query, params, remoteAddress } = redactRequestUrl(request);
  return { id, method, url, query, params, remoteAddress, userAgent: request.headers?.['user-agent'] };
}

export function httpLoggerOptions(logger: Logger): HttpLoggerOptions {
  return {
    logger,
    serializers: {
      req: accessLogRequest,
      res: (response: { statusCode?: number }) => ({ statusCode: response.statusCode }),
    },
    genReqId: assignRequestId,
    customLogLevel: (_request: IncomingMessage, response: ServerResponse, error?: Error): Level => {
      if (error || response.statusCode >= 500) return 'error';
      return response.statusCode >= 400 ? 'warn' : 'info';
    },
  };
}
