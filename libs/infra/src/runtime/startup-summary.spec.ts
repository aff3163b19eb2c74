import { loadConfig } from '../config/app-config';
import { startupSummary, summaryLine } from './startup-summary';

describe('the start-up summary', () => {
  it('says what an embedded single node runs with', () => {
    const config = loadConfig({ DATA_DIR: '/srv/ops/.data', EMBEDDED_POSTGRES_PORT: '54329' });
    expect(
      startupSummary(config, {
        url: 'http://localhost:3000',
        embeddedPostgresDir: '/srv/ops/.data/postgres',
      }),
    ).toStrictEqual({
      listening: 'http://localhost:3000',
      database: 'embedded PostgreSQL at /srv/ops/.data/postgres, port 54329',
      event_store: 'PostgreSQL (the same database)',
      llm_providers: 'none (users may still bring their own keys)',
      stripe: 'off',
      lago: 'off',
      kafka: 'off',
      api_docs: 'http://localhost:3000/docs',
      data_dir: '/srv/ops/.data',
    });
  });

  it('names the services of a distributed node without a credential', () => {
    const secrets = ['db-pass-1', 'es-pass-2', 'sk-openai-key-3', 'sk_live_stripe-4', 'lago-key-5'];
    const config = loadConfig({
      DATA_DIR: '/data',
      DATABASE_URL: 'postgres://ops:db-pass-1@db.internal:5432/ops_center',
      EVENT_STORE: 'eventstoredb',
      ESDB_URL: 'esdb://admin:es-pass-2@es1:2113,es2:2113?tls=true',
      OPENAI_API_KEY: 'sk-openai-key-3',
      VLLM_BASE_URL: 'http://vllm:8000/v1',
      STRIPE_SECRET_KEY: 'sk_live_stripe-4',
      LAGO_API_URL: 'https://lago.internal/api/v1',
      LAGO_API_KEY: 'lago-key-5',
      KAFKA_BROKERS: 'kafka-1:9092,kafka-2:9092',
      HOST_COMMAND_TRANSPORT: 'kafka',
    });
    const summary = startupSummary(config, { url: 'http://localhost:3000' });
    expect(summary).toMatchObject({
      database: 'external PostgreSQL db.internal:5432/ops_center',
      event_store: 'EventStoreDB es1:2113,es2:2113',
      llm_providers: 'vllm, openai',
      stripe: 'on (no STRIPE_WEBHOOK_SECRET: the webhook answers 503)',
      lago: 'on (lago.internal)',
      kafka: 'kafka-1:9092,kafka-2:9092',
      api_docs: 'off (set DOCS_TOKEN to serve them)',
    });
    const line = summaryLine(summary);
    expect(line).toContain('listening: http://localhost:3000; database: external PostgreSQL');
    for (const secret of secrets) expect(line).not.toContain(secret);
  });
});
