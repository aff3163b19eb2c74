/**
 * `openapi-document <file>`: writes the single-node application's OpenAPI document without starting
 * it (Nest's preview mode registers the routes but creates no provider, so no database is needed).
 * The console's API types are generated from this file.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@ops/infra/config/app-config';
import { buildOpenApiDocument } from '@ops/infra/http/openapi';
import { writeFileSync } from 'node:fs';
import { SingleNodeModule } from '../single-node.module';

async function main(file: string): Promise<void> {
  const config = loadConfig({ DATABASE_URL: 'postgres://unused@127.0.0.1:1/unused', LOG_LEVEL: 'silent' });
  const app = await NestFactory.create(SingleNodeModule.forRoot(config), { preview: true, logger: false });
  writeFileSync(file, `${JSON.stringify(buildOpenApiDocument(app, config), null, 2)}\n`);
  await app.close();
}

const file = process.argv[2];
if (!file) {
  console.error('usage: openapi-document <file>');
  process.exit(2);
}
main(file).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
