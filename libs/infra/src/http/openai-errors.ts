import { HttpException } from '@nestjs/common';
import { translateKnownError } from './known-errors';
import { toProblemDetails, type ProblemDetails } from './problem-details';
import type { ErrorFormatter, RouteErrorFormat } from './problem-details.filter';

/** What OpenAI's SDKs read from an error body: `error.type` and `error.code` are machine-readable. */
export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** An error the gateway raises with its OpenAI-style type and code spelled out. */
export class OpenAiCompatibleError extends HttpException {
  constructor(
    status: number,
    message: string,
    readonly errorType: string,
    readonly errorCode: string | null,
    readonly param: string | null = null,
  ) {
    super(message, status);
  }
}

/** The closest OpenAI type and code for a status whose thrower named none. */
const DEFAULTS: Record<number, [type: string, code: string | null]> = {
  400: ['invalid_request_error', null],
  401: ['authentication_error', 'invalid_api_key'],
  402: ['insufficient_quota', 'insufficient_credits'],
  403: ['permission_error', null],
  404: ['invalid_request_error', 'not_found'],
  413: ['invalid_request_error', 'request_too_large'],
  422: ['invalid_request_error', null],
  429: ['rate_limit_error', 'rate_limit_exceeded'],
  502: ['api_error', 'upstream_error'],
  503: ['api_error', 'service_unavailable'],
};

/** Domain refusals carry a machine reason (a credit refusal's reason, a routing code); it becomes the code. */
function reasonOf(exception: unknown): string | null {
  const refusal = exception as { reason?: unknown; routingCode?: unknown } | null;
  const reason = refusal?.reason ?? refusal?.routingCode;
  return typeof reason === 'string' ? reason : null;
}

export const openAiErrorFormatter: ErrorFormatter = (problem: ProblemDetails, exception: unknown) => {
  const [defaultType, defaultCode] = DEFAULTS[problem.status] ?? ['api_error', null];
  const explicit = exception instanceof OpenAiCompatibleError ? exception : null;
  const field = problem.errors?.[0]?.field ?? (exception as { field?: string } | null)?.field ?? null;
  const body: OpenAiErrorBody = {
    error: {
      message: problem.detail,
      type: explicit?.errorType ?? defaultType,
      param: explicit?.param ?? field,
      code: explicit?.errorCode ?? reasonOf(exception) ?? defaultCode,
    },
  };
  return { contentType: 'application/json', body };
};

/** The OpenAI-compatible routes: under both mounts an OpenAI SDK may be pointed at. */
export const OPENAI_ERROR_ROUTES: RouteErrorFormat[] = [
  '/v1/',
  '/api/v1/llm/chat/',
  '/api/v1/llm/embeddings',
  '/api/v1/llm/models',
].map((pathPrefix) => ({ pathPrefix, format: openAiErrorFormatter }));

/** Any error as an OpenAI-compatible route answers it: its problem (status, detail) and OpenAI body. */
export function describeOpenAiError(error: unknown): {
  problem: ProblemDetails;
  body: OpenAiErrorBody['error'];
} {
  const problem = toProblemDetails(translateKnownError(error), '');
  const { error: body } = openAiErrorFormatter(problem, error).body as OpenAiErrorBody;
  return { problem, body };
}
