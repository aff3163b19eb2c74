import type { ProblemDetails } from './problem-details';
import type { ErrorFormatter, RouteErrorFormat } from './problem-details.filter';

/** What Anthropic's SDKs read from an error body: `error.type` names the kind of failure. */
export interface AnthropicErrorBody {
  type: 'error';
  error: { type: string; message: string };
}

/** Anthropic's error type for each status (docs: API errors); a status it does not use maps by class. */
const TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  422: 'invalid_request_error',
  429: 'rate_limit_error',
  500: 'api_error',
  502: 'api_error',
  503: 'overloaded_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

export function anthropicErrorTypeOf(status: number): string {
  return TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}

export const anthropicErrorFormatter: ErrorFormatter = (problem: ProblemDetails) => {
  const body: AnthropicErrorBody = {
    type: 'error',
    error: { type: anthropicErrorTypeOf(problem.status), message: problem.detail },
  };
  return { contentType: 'application/json', body };
};

/** The Messages API routes, under both mounts an Anthropic SDK's base URL may point at. */
export const ANTHROPIC_ERROR_ROUTES: RouteErrorFormat[] = ['/v1/messages', '/api/v1/llm/messages'].map(
  (pathPrefix) => ({ pathPrefix, format: anthropicErrorFormatter }),
);
