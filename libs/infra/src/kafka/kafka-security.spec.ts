import { ConfigError, loadConfig } from '../config/app-config';
import { kafkaSecurity } from './kafka-security';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe('Kafka TLS and SASL settings', () => {
  it('connects as before when none is set', () => {
    expect(kafkaSecurity(loadConfig({}))).toStrictEqual({});
  });

  it('reads the CA, the client certificate and its key for mutual TLS, checking the brokers', () => {
    const files: Record<string, string> = {
      '/etc/kafka/ca.pem': 'CA',
      '/etc/kafka/c.pem': 'C',
      '/etc/kafka/k.pem': 'K',
    };
    const config = loadConfig({
      KAFKA_TLS: 'true',
      KAFKA_TLS_CA_FILE: '/etc/kafka/ca.pem',
      KAFKA_TLS_CERT_FILE: '/etc/kafka/c.pem',
      KAFKA_TLS_KEY_FILE: '/etc/kafka/k.pem',
    });
    const security = kafkaSecurity(config, (path) => Buffer.from(files[path]));
    expect(security.ssl).toStrictEqual({
      rejectUnauthorized: true,
      ca: [Buffer.from('CA')],
      cert: Buffer.from('C'),
      key: Buffer.from('K'),
    });
  });

  it('names the variable whose file cannot be read', () => {
    const config = loadConfig({ KAFKA_TLS: 'true', KAFKA_TLS_CA_FILE: '/nonexistent/ca.pem' });
    expect(() => kafkaSecurity(config)).toThrow('KAFKA_TLS_CA_FILE: cannot read /nonexistent/ca.pem: ENOENT');
  });

  it('passes SCRAM credentials to kafkajs', () => {
    const config = loadConfig({
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'ops',
      KAFKA_SASL_PASSWORD: 'pw',
    });
    expect(kafkaSecurity(config)).toStrictEqual({
      sasl: { mechanism: 'scram-sha-512', username: 'ops', password: 'pw' },
    });
  });

  it.each<[string, Record<string, string>, string]>([
    ['a CA file without TLS', { KAFKA_TLS_CA_FILE: '/ca.pem' }, 'KAFKA_TLS_CA_FILE: needs KAFKA_TLS=true'],
    [
      'a certificate without its key',
      { KAFKA_TLS: 'true', KAFKA_TLS_CERT_FILE: '/c.pem' },
      'KAFKA_TLS_KEY_FILE: required with KAFKA_TLS_CERT_FILE (a client certificate needs its key)',
    ],
    [
      'a key without its certificate',
      { KAFKA_TLS: 'true', KAFKA_TLS_KEY_FILE: '/k.pem' },
      'KAFKA_TLS_CERT_FILE: required with KAFKA_TLS_KEY_FILE (a client key needs its certificate)',
    ],
    [
      'an unchecked broker without TLS',
      { KAFKA_TLS_REJECT_UNAUTHORIZED: 'false' },
      'KAFKA_TLS_REJECT_UNAUTHORIZED: needs KAFKA_TLS=true',
    ],
    ['a non-boolean', { KAFKA_TLS: 'yes' }, 'KAFKA_TLS must be true or false (got "yes")'],
    [
      'an unknown mechanism',
      { KAFKA_SASL_MECHANISM: 'gssapi', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' },
      'KAFKA_SASL_MECHANISM must be plain, scram-sha-256 or scram-sha-512 (got "gssapi")',
    ],
    [
      'a mechanism without a password',
      { KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'u' },
      'KAFKA_SASL_PASSWORD: required with KAFKA_SASL_MECHANISM',
    ],
    [
      'a mechanism without a user',
      { KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_SASL_PASSWORD: 'p' },
      'KAFKA_SASL_USERNAME: required with KAFKA_SASL_MECHANISM',
    ],
    [
      'credentials without a mechanism',
      { KAFKA_SASL_USERNAME: 'u' },
      'KAFKA_SASL_USERNAME: needs KAFKA_SASL_MECHANISM (plain, scram-sha-256 or scram-sha-512)',
    ],
    [
      'PLAIN in clear',
      { KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' },
      'KAFKA_SASL_MECHANISM: plain sends the password as it is, so it needs KAFKA_TLS=true',
    ],
  ])('refuses %s with one message naming the variable', (_case, env, message) => {
    expect(problemsOf(env)).toStrictEqual([message]);
  });

  it('never quotes the password in its messages', () => {
    const password = 'hunter2-very-secret';
    const problems = problemsOf({
      KAFKA_SASL_MECHANISM: 'plain',
      KAFKA_SASL_USERNAME: 'u',
      KAFKA_SASL_PASSWORD: password,
    });
    expect(problems.join('\n')).not.toContain(password);
  });
});
