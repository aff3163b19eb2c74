import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { AppConfig } from '../config/app-config';

export const DOCS_PATH = 'docs';

const TOKEN_SOURCE: Record<AppConfig['AUTH_MODE'], string> = {
  local: 'A token from `npm run token -- --sub <id> --role <role>`.',
  keycloak: 'An access token issued by the Keycloak realm.',
};

/**
 * The OpenAPI document of an application whose routes are registered: what /docs-json serves and
 * what the console's API client is generated from, so both always describe the same API.
 */
export function buildOpenApiDocument(
  app: INestApplication,
  config: Pick<AppConfig, 'AUTH_MODE'>,
): OpenAPIObject {
  const document = new DocumentBuilder()
    .setTitle('ops-center')
    .setDescription('Operations center: local users, LLM gateway and credits, audit')
    .setVersion('1')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description: TOKEN_SOURCE[config.AUTH_MODE],
    })
    // Anthropic's SDKs send a personal API key this way, on the Messages routes.
    .addApiKey({ type: 'apiKey', in: 'header', name: 'x-api-key' }, 'x-api-key')
    .addSecurityRequirements('bearer')
    .build();
  return SwaggerModule.createDocument(app, document);
}

/** Swagger UI at /docs and the OpenAPI document at /docs-json, every operation behind a bearer token. */
export function setupOpenApi(app: INestApplication, config: AppConfig): void {
  // Built on first request, once every route is registered.
  SwaggerModule.setup(DOCS_PATH, app, () => buildOpenApiDocument(app, config), {
    jsonDocumentUrl: `${DOCS_PATH}-json`,
  });
}
