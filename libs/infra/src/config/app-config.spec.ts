import { inspect } from 'node:util';
import { ConfigError, loadConfig, redactedSettings } from './app-config';

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

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('configuration errors', () => {
  it.each([
    ['PORT', 'abc', 'PORT must be an integer between 0 and 65535 (got "abc")'],
    ['PORT', '70000', 'PORT must be an integer between 0 and 65535 (got "70000")'],
    ['PORT', '80.5', 'PORT must be an integer between 0 and 65535 (got "80.5")'],
    [
      'HOST_AGENT_INVENTORY_INTERVAL_MS',
      '5',
      'HOST_AGENT_INVENTORY_INTERVAL_MS must be an integer of at least 1000 (got "5")',
    ],
    ['AUTH_MODE', 'ldap', 'AUTH_MODE must be one of the following values: local, keycloak (got "ldap")'],
  ])('name %s once, with its rule and the value it got (%s)', (name, value, message) => {
    expect(problemsOf({ [name]: value })).toStrictEqual([message]);
  });

  it('list every wrong variable at once, one line each', () => {
    const problems = problemsOf({ PORT: 'abc', PROJECTOR_BATCH_SIZE: '0', KAFKA_TLS: 'yes' });
    expect([...problems].sort()).toStrictEqual([
      'KAFKA_TLS must be true or false (got "yes")',
      'PORT must be an integer between 0 and 65535 (got "abc")',
      'PROJECTOR_BATCH_SIZE must be an integer between 1 and 10000 (got "0")',
    ]);
  });

  it('never quote a secret, nor a value that may carry a password', () => {
    const problems = problemsOf({
      JWT_SECRET: 'short-secret-value',
      DATABASE_URL: 'mysql://ops:db-pass-2@db/ops',
      OPENAI_BASE_URL: 'ftp://user:provider-pass-3@host',
    });
    expect(problems).toHaveLength(3);
    expect(problems).toContain('JWT_SECRET must be longer than or equal to 32 characters');
    expect(problems).toContain('DATABASE_URL must be a URL starting with postgres:// or postgresql://');
    for (const secret of ['short-secret-value', 'db-pass-2', 'provider-pass-3']) {
      expect(problems.join('\n')).not.toContain(secret);
    }
  });
});

describe('URL settings', () => {
  const http = 'must be a URL starting with http:// or https://';

  it.each([
    ['OPENAI_BASE_URL', 'notaurl', `OPENAI_BASE_URL ${http} (got "notaurl")`],
    ['ANTHROPIC_BASE_URL', 'api.anthropic.com/v1', `ANTHROPIC_BASE_URL ${http} (got "api.anthropic.com/v1")`],
    ['VLLM_BASE_URL', 'localhost:8000/v1', `VLLM_BASE_URL ${http} (got "localhost:8000/v1")`],
    ['OLLAMA_BASE_URL', 'ftp://ollama:11434', `OLLAMA_BASE_URL ${http} (got "ftp://ollama:11434")`],
    ['KEYCLOAK_JWKS_URL', 'notaurl', `KEYCLOAK_JWKS_URL ${http} (got "notaurl")`],
    ['KEYCLOAK_ISSUER', 'ops-realm', `KEYCLOAK_ISSUER ${http} (got "ops-realm")`],
    [
      'KEYCLOAK_CONSOLE_CLIENT_ID',
      'ops console',
      'KEYCLOAK_CONSOLE_CLIENT_ID must be 1-200 printable characters (got "ops console")',
    ],
    ['STRIPE_API_BASE', 'stripe', `STRIPE_API_BASE ${http} (got "stripe")`],
    ['STRIPE_SUCCESS_URL', '/billing/done', `STRIPE_SUCCESS_URL ${http} (got "/billing/done")`],
    ['AUDIT_DIGEST_EXPORT_URL', 'http://', `AUDIT_DIGEST_EXPORT_URL ${http} (got "http://")`],
    [
      'DATABASE_URL',
      'localhost:5432/ops',
      'DATABASE_URL must be a URL starting with postgres:// or postgresql:// (got "localhost:5432/ops")',
    ],
    [
      'ESDB_URL',
      'http://eventstore:2113',
      'ESDB_URL must be a URL starting with esdb:// or esdb+discover:// (e.g. esdb://localhost:2113?tls=false) (got "http://eventstore:2113")',
    ],
  ])('refuse %s=%s at start, naming the variable', (name, value, message) => {
    expect(problemsOf({ [name]: value })).toStrictEqual([message]);
  });

  it('refuse LAGO_API_URL that is no URL', () => {
    expect(problemsOf({ LAGO_API_URL: 'lago', LAGO_API_KEY: 'lago-key' })).toStrictEqual([
      `LAGO_API_URL ${http} (got "lago")`,
    ]);
  });

  it.each([
    ['DATABASE_URL', 'postgres://ops:p%40ss@db:5432/ops'],
    ['DATABASE_URL', 'postgresql:///ops?host=/var/run/postgresql'],
    ['ESDB_URL', 'esdb://eventstore:2113?tls=false'],
    ['ESDB_URL', 'esdb://admin:changeit@es1:2113,es2:2113,es3:2113?tls=true'],
    ['ESDB_URL', 'esdb+discover://cluster.internal:2113'],
    ['OLLAMA_BASE_URL', 'http://ollama:11434/v1'],
    ['OPENAI_BASE_URL', 'https://api.openai.com/v1'],
    ['VLLM_BASE_URL', 'http://127.0.0.1:8000/v1'],
    ['KEYCLOAK_JWKS_URL', 'https://keycloak.example.com/realms/ops/protocol/openid-connect/certs'],
  ])('accept %s=%s', (name, value) => {
    expect(problemsOf({ [name]: value })).toStrictEqual([]);
  });

  it("leave variables that are not a provider's alone", () => {
    expect(problemsOf({ APP_BASE_URL: 'notaurl' })).toStrictEqual([]);
    expect(redactedSettings(loadConfig({ APP_BASE_URL: 'x' }))).not.toHaveProperty('APP_BASE_URL');
  });
});

describe('the effective configuration (GET /api/v1/system/config and printing)', () => {
  const settings = redactedSettings(
    loadConfig({
      PATH: '/usr/bin',
      GITHUB_TOKEN: 'ghp-unrelated-token-4',
      DATABASE_URL: 'postgres://:only-pass-5@db/ops',
      METRICS_TOKEN: 'metrics-token-value-6',
      STRIPE_SECRET_KEY: 'sk_test_stripe-key-7',
      OPENAI_API_KEY: 'sk-provider-key-8',
      OLLAMA_BASE_URL: 'http://ollama:11434/v1',
    }),
  );

  it("names every setting by its variable, the providers' included, unset ones as null", () => {
    expect(settings.PORT).toBe(3000);
    expect(settings.KAFKA_BROKERS).toBeNull();
    expect(settings.OLLAMA_BASE_URL).toBe('http://ollama:11434/v1');
    expect(settings.GROQ_API_KEY).toBeNull();
    expect(settings.PROTECTED_ACCOUNTS).toEqual(['root']);
    expect(settings).not.toHaveProperty('providerEnv');
  });

  it('says which secrets are set without showing them', () => {
    expect(settings.METRICS_TOKEN).toBe('[redacted]');
    expect(settings.STRIPE_SECRET_KEY).toBe('[redacted]');
    expect(settings.OPENAI_API_KEY).toBe('[redacted]');
    expect(settings.DATABASE_URL).toBe('postgres://:[redacted]@db/ops');
    expect(settings.JWT_SECRET).toBeNull();
    const shown = JSON.stringify(settings);
    for (const secret of ['only-pass-5', 'metrics-token-value-6', 'stripe-key-7', 'provider-key-8']) {
      expect(shown).not.toContain(secret);
    }
  });

  it('shows nothing of the environment but the settings', () => {
    expect(settings).not.toHaveProperty('PATH');
    expect(JSON.stringify(settings)).not.toContain('ghp-unrelated-token-4');
  });
});

describe('one validation pass over every feature', () => {
  it('reports the problems of several features together, rules across settings included', () => {
    const problems = problemsOf({
      PORT: 'abc',
      LLM_MAX_ATTEMPTS: '0',
      STRIPE_SUCCESS_URL: 'done',
      LAGO_API_KEY: 'lago-key',
      AUTH_MODE: 'keycloak',
    });
    expect([...problems].sort()).toStrictEqual([
      'KEYCLOAK_AUDIENCE: required when AUTH_MODE=keycloak',
      'KEYCLOAK_ISSUER: required when AUTH_MODE=keycloak',
      'KEYCLOAK_JWKS_URL: required when AUTH_MODE=keycloak',
      'LAGO_API_URL and LAGO_API_KEY: set both to sync with Lago, or neither',
      'LLM_MAX_ATTEMPTS must be an integer between 1 and 10 (got "0")',
      'PORT must be an integer between 0 and 65535 (got "abc")',
      'STRIPE_SUCCESS_URL must be a URL starting with http:// or https:// (got "done")',
    ]);
  });

  it('checks a rule that spans two features: Kafka host commands need brokers', () => {
    expect(problemsOf({ HOST_COMMAND_TRANSPORT: 'kafka' })).toStrictEqual([
      'KAFKA_BROKERS: required when HOST_COMMAND_TRANSPORT=kafka',
    ]);
    expect(problemsOf({ HOST_COMMAND_TRANSPORT: 'kafka', KAFKA_BROKERS: 'kafka:9092' })).toStrictEqual([]);
  });

  it('keeps the rest of the environment out of the configuration', () => {
    expect(loadConfig({ HOME: '/root', PORT: '80' })).not.toHaveProperty('HOME');
  });
});
