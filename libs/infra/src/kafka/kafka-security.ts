import { readFileSync } from 'node:fs';
import type { KafkaConfig } from './kafka-config';
import type { KafkaSecurity } from './kafka-client';

export type KafkaSecurityConfig = Pick<
  KafkaConfig,
  | 'KAFKA_TLS'
  | 'KAFKA_TLS_CA_FILE'
  | 'KAFKA_TLS_CERT_FILE'
  | 'KAFKA_TLS_KEY_FILE'
  | 'KAFKA_TLS_REJECT_UNAUTHORIZED'
  | 'KAFKA_SASL_MECHANISM'
  | 'KAFKA_SASL_USERNAME'
  | 'KAFKA_SASL_PASSWORD'
>;

const TLS_FILES = ['KAFKA_TLS_CA_FILE', 'KAFKA_TLS_CERT_FILE', 'KAFKA_TLS_KEY_FILE'] as const;

/**
 * The combinations of Kafka TLS and SASL settings that cannot work or would leak the password,
 * one message per variable. Values are never quoted: the password is one of them.
 */
export function kafkaSecurityProblems(config: KafkaSecurityConfig): string[] {
  const problems: string[] = [];
  if (!config.KAFKA_TLS) {
    for (const key of TLS_FILES) if (config[key]) problems.push(`${key}: needs KAFKA_TLS=true`);
    if (!config.KAFKA_TLS_REJECT_UNAUTHORIZED) {
      problems.push('KAFKA_TLS_REJECT_UNAUTHORIZED: needs KAFKA_TLS=true');
    }
  }
  if (config.KAFKA_TLS_CERT_FILE && !config.KAFKA_TLS_KEY_FILE) {
    problems.push(
      'KAFKA_TLS_KEY_FILE: required with KAFKA_TLS_CERT_FILE (a client certificate needs its key)',
    );
  }
  if (config.KAFKA_TLS_KEY_FILE && !config.KAFKA_TLS_CERT_FILE) {
    problems.push(
      'KAFKA_TLS_CERT_FILE: required with KAFKA_TLS_KEY_FILE (a client key needs its certificate)',
    );
  }
  if (config.KAFKA_SASL_MECHANISM) {
    if (!config.KAFKA_SASL_USERNAME) problems.push('KAFKA_SASL_USERNAME: required with KAFKA_SASL_MECHANISM');
    if (!config.KAFKA_SASL_PASSWORD) problems.push('KAFKA_SASL_PASSWORD: required with KAFKA_SASL_MECHANISM');
    if (config.KAFKA_SASL_MECHANISM === 'plain' && !config.KAFKA_TLS) {
      problems.push('KAFKA_SASL_MECHANISM: plain sends the password as it is, so it needs KAFKA_TLS=true');
    }
  } else {
    for (const key of ['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'] as const) {
      if (config[key])
        problems.push(`${key}: needs KAFKA_SASL_MECHANISM (plain, scram-sha-256 or scram-sha-512)`);
    }
  }
  return problems;
}

function readSetting(key: (typeof TLS_FILES)[number], path: string, read: (path: string) => Buffer): Buffer {
  try {
    return read(path);
  } catch (error) {
    throw new Error(
      `${key}: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      {
        cause: error,
      },
    );
  }
}

/**
 * The kafkajs security options of a validated configuration (see kafkaSecurityProblems), reading the
 * certificate files now so that a missing one stops the start with the variable's name.
 */
export function kafkaSecurity(
  config: KafkaSecurityConfig,
  read: (path: string) => Buffer = (path) => readFileSync(path),
): KafkaSecurity {
  const security: KafkaSecurity = {};
  if (config.KAFKA_TLS) {
    const file = (key: (typeof TLS_FILES)[number]) => {
      const path = config[key];
      return path ? readSetting(key, path, read) : undefined;
    };
    const [ca, cert, key] = TLS_FILES.map(file);
    security.ssl = {
      rejectUnauthorized: config.KAFKA_TLS_REJECT_UNAUTHORIZED,
      ...(ca ? { ca: [ca] } : {}),
      ...(cert && key ? { cert, key } : {}),
    };
  }
  if (config.KAFKA_SASL_MECHANISM && config.KAFKA_SASL_USERNAME && config.KAFKA_SASL_PASSWORD) {
    security.sasl = {
      mechanism: config.KAFKA_SASL_MECHANISM,
      username: config.KAFKA_SASL_USERNAME,
      password: config.KAFKA_SASL_PASSWORD,
    };
  }
  return security;
}
