import { IDEMPOTENCY_KEY_CATEGORY } from '@ops/infra/event-sourcing/idempotency-key-claims';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { signLocalToken, type Role } from '@ops/infra/auth';
import { loadConfig, type AppConfig } from '@ops/infra/config/app-config';
import { configureHttpApp } from '@ops/infra/http';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { SingleNodeModule } from '../../apps/api/src/single-node.module';
import { createTestDatabase, type TestDatabase } from './postgres';

export interface TestApp {
  app: INestApplication;
  config: AppConfig;
  database: TestDatabase;
  /** A token for the single-node instance under test. */
  token(sub: string, ...roles: Role[]): string;
  /** Every event in the store, to prove what was (not) appended. */
  /** Events of the domain's streams: not the record of each Idempotency-Key's first use. */
  countEvents(): Promise<number>;
  close(): Promise<void>;
}

/** The single-node product (API + projector) on a fresh database, as `npm start` wires it. */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), 'ops-e2e-'));
  const config = loadConfig({
    DATABASE_URL: database.url,
    DATA_DIR: dataDir,
    JWT_SECRET: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'silent',
    PROJECTOR_BATCH_SIZE: '100',
    ...env,
  });
  const app = await NestFactory.create(SingleNodeModule.forRoot(config), {
    logger: false,
    abortOnError: false,
  });
  configureHttpApp(app, config);
  await app.init();
  const probe = new Client({ connectionString: database.url });
  await probe.connect();
  return {
    app,
    config,
    database,
    token: (sub, ...roles) =>
      signLocalToken(
        { sub, roles, ttlSeconds: 600 },
        { secret: config.JWT_SECRET!, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE },
      ),
    countEvents: async () =>
      Number(
        (
          await probe.query('SELECT count(*) AS n FROM events WHERE NOT starts_with(stream_name, $1)', [
            IDEMPOTENCY_KEY_CATEGORY,
          ])
        ).rows[0].n,
      ),
    close: async () => {
      await probe.end();
      await app.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls until `check` stops throwing: for read models that follow the log asynchronously. */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
