import { inspect } from 'node:util';
import { loadConfig } from './app-config';

describe('printing the configuration', () => {
  const config = loadConfig({
    DATABASE_URL: 'postgres://ops:db-pass-1@postgres:5432/ops',
    KAFKA_BROKERS: 'kafka:9092',
    KAFKA_SASL_MECHANISM: 'scram-sha-512',
    KAFKA_SASL_USERNAME: 'ops-app',
    KAFKA_SASL_PASSWORD: 'kafka-pass-1',
    JWT_SECRET: 'j'.repeat(16) + 'wt-secret-value-1',
    SECRETS_KEYS: `s:${Buffer.alloc(32, 7).toString('base64')}`,
    OPENAI_API_KEY: 'sk-provider-key-1',
  });
  const secrets = [
    'db-pass-1',
    'kafka-pass-1',
    'wt-secret-value-1',
    Buffer.alloc(32, 7).toString('base64'),
    'sk-provider-key-1',
  ];

  it.each([
    ['JSON (what pino writes)', () => JSON.stringify(config)],
    ['util.inspect (what console.log writes)', () => inspect(config, { depth: 5 })],
  ])('redacts every secret in %s, keeping the rest', (_how, print) => {
    const printed = print();
    for (const secret of secrets) expect(printed).not.toContain(secret);
    expect(printed).toContain('postgres://ops:[redacted]@postgres:5432/ops');
    expect(printed).toContain('ops-app');
    expect(printed).toContain('kafka:9092');
  });

  it('leaves the values the applications read untouched', () => {
    expect(config.KAFKA_SASL_PASSWORD).toBe('kafka-pass-1');
    expect(config.providerEnv.OPENAI_API_KEY).toBe('sk-provider-key-1');
  });
});
