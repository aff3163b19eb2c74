import type { INestApplication } from '@nestjs/common';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import type { HttpLogger } from 'pino-http';
import type { AppConfig } from '../config/app-config';
import { useBodyParsers } from './body-parsing';
import { HTTP_LOGGER } from './logging/logging.module';
import { QuietBootLogger } from './logging/quiet-boot-logger';
import { HttpMetrics } from './metrics/http-metrics';
import { setupOpenApi } from './openapi';
import { ANTHROPIC_ERROR_ROUTES } from './anthropic-errors';
import { OPENAI_ERROR_ROUTES } from './openai-errors';
import { ProblemDetailsFilter, type RouteErrorFormat } from './problem-details.filter';
import { refuseCredentialsInUrl } from './security/credentials-in-url';
import { protectOperationalEndpoints } from './security/operational-endpoints';
import { createValidationPipe } from './validation';

export interface HttpAppOptions {
  /** Error shapes other than problem+json for some path prefixes; the gateway's routes by default. */
  errorFormats?: RouteErrorFormat[];
}

/** The Messages routes first: they sit below `/v1/`, which the OpenAI-compatible routes claim. */
const GATEWAY_ERROR_ROUTES = [...ANTHROPIC_ERROR_ROUTES, ...OPENAI_ERROR_ROUTES];

/**
 * The platform every HTTP application shares. Call it before `listen()`/`init()`, on an Express
 * application that imports ConfigModule.forRoot(config), LoggingModule, MetricsModule and
 * AuthModule, created with `{ bufferLogs: true }` so that start-up logs go through pino too.
 *
 * Signals stay with the entry point, which closes the app and then what it started besides (the
 * embedded database): Nest's shutdown hooks would re-raise the signal and end the process first.
 */
export function configureHttpApp(
  app: INestApplication,
  config: AppConfig,
  options: HttpAppOptions = {},
): void {
  app.useLogger(new QuietBootLogger(app.get(Logger)));
  // Every answer is computed from live state, and no client of this API sends If-None-Match: hashing
  // each body for an ETag was a digest per response for nothing. Static files keep theirs.
  (app.getHttpAdapter().getInstance() as { set(setting: string, value: unknown): void }).set('etag', false);
  // Edge middleware first, ahead of the body parser, so that every request is logged, timed and
  // given a request id, including those whose body is refused.
  app.use(app.get<HttpLogger>(HTTP_LOGGER));
  app.use(app.get(HttpMetrics).middleware);
  // The usual security headers on every answer, errors included; helmet also drops X-Powered-By.
  app.use(helmet({ contentSecurityPolicy: { directives: { connectSrc: connectSources(config) } } }));
  app.use(refuseCredentialsInUrl);
  app.use(protectOperationalEndpoints(config));
  useBodyParsers(app, config.JSON_MAX_DEPTH);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter(options.errorFormats ?? GATEWAY_ERROR_ROUTES));
  setupOpenApi(app, config);
}

/**
 * Where the console's scripts may connect: its own origin, and in keycloak mode the OpenID provider,
 * whose discovery document and token endpoint the console's sign-in calls from the browser.
 */
function connectSources(config: AppConfig): string[] {
  const sources = ["'self'"];
  if (config.AUTH_MODE === 'keycloak' && config.KEYCLOAK_ISSUER) {
    sources.push(new URL(config.KEYCLOAK_ISSUER).origin);
  }
  return sources;
}
