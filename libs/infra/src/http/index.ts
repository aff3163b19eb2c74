export {
  ANTHROPIC_ERROR_ROUTES,
  anthropicErrorFormatter,
  anthropicErrorTypeOf,
  type AnthropicErrorBody,
} from './anthropic-errors';
export { BODY_LIMIT } from './body-parsing';
export { configureHttpApp, type HttpAppOptions } from './configure-http-app';
export { HTTP_LOGGER, LOG_DESTINATION, LoggingModule } from './logging/logging.module';
export { REQUEST_ID_HEADER } from './logging/request-id';
export { GatewayRefusalMetrics } from './metrics/gateway-refusal-metrics';
export { MetricsModule } from './metrics/metrics.module';
export { DOCS_PATH } from './openapi';
export {
  type FieldError,
  FieldErrorsException,
  PROBLEM_CONTENT_TYPE,
  type ProblemDetails,
  toProblemDetails,
} from './problem-details';
export {
  type ErrorBody,
  type ErrorFormatter,
  ProblemDetailsFilter,
  type RouteErrorFormat,
} from './problem-details.filter';
export { createValidationPipe, flattenValidationErrors } from './validation';
export {
  describeOpenAiError,
  OPENAI_ERROR_ROUTES,
  OpenAiCompatibleError,
  openAiErrorFormatter,
  type OpenAiErrorBody,
} from './openai-errors';
