import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString } from 'class-validator';
import { resolve } from 'node:path';
import { FeatureConfig } from '../config/feature-config';

/** `true`/`false` as booleans; anything else stays as it is for the validator to name. */
function parseBoolean(value: unknown): unknown {
  if (value === 'true' || value === true) return true;
  if (value === 'false' || value === false) return false;
  return value;
}

/**
 * Kafka: the brokers, the topics, and the transport security (TLS, optionally mutual, and SASL) of
 * every Kafka client of the product.
 */
export class KafkaConfig extends FeatureConfig {
  /** Comma-separated `host:port` list; without it nothing is relayed to Kafka. */
  @IsOptional()
  @IsString()
  KAFKA_BROKERS?: string;

  @IsString()
  KAFKA_CLIENT_ID = 'ops-center';

  @IsString()
  KAFKA_CREDITS_TOPIC = 'ops-center.credits';

  /** Host commands for every managed server, keyed by host id. */
  @IsString()
  KAFKA_HOST_COMMANDS_TOPIC = 'ops-center.host-commands';

  /** What host agents report back (outcomes and inventories), keyed by host id. */
  @IsString()
  KAFKA_HOST_REPORTS_TOPIC = 'ops-center.host-reports';

  /** Usage integration messages (completed and failed requests) for finance's own pipelines. */
  @IsString()
  KAFKA_USAGE_TOPIC = 'ops-center.usage';

  /** `true`: connect to KAFKA_BROKERS over TLS, checking the brokers' certificates. */
  @Transform(({ value }) => parseBoolean(value))
  @IsBoolean({ message: 'KAFKA_TLS must be true or false' })
  KAFKA_TLS = false;

  /** PEM file of the CA that signed the brokers' certificates; without it, the system's CAs. */
  @IsOptional()
  @IsString()
  @Transform(({ value }) => resolve(String(value)))
  KAFKA_TLS_CA_FILE?: string;

  /** PEM client certificate for mutual TLS, with KAFKA_TLS_KEY_FILE. */
  @IsOptional()
  @IsString()
  @Transform(({ value }) => resolve(String(value)))
  KAFKA_TLS_CERT_FILE?: string;

  /** PEM private key of KAFKA_TLS_CERT_FILE (unencrypted: keep the file readable by this process only). */
  @IsOptional()
  @IsString()
  @Transform(({ value }) => resolve(String(value)))
  KAFKA_TLS_KEY_FILE?: string;

  /** `false` accepts any broker certificate: for a first test against self-signed brokers only. */
  @Transform(({ value }) => parseBoolean(value))
  @IsBoolean({ message: 'KAFKA_TLS_REJECT_UNAUTHORIZED must be true or false' })
  KAFKA_TLS_REJECT_UNAUTHORIZED = true;

  /** SASL authentication to the brokers; `plain` only over TLS. */
  @IsOptional()
  @IsIn(['plain', 'scram-sha-256', 'scram-sha-512'], {
    message: 'KAFKA_SASL_MECHANISM must be plain, scram-sha-256 or scram-sha-512',
  })
  KAFKA_SASL_MECHANISM?: 'plain' | 'scram-sha-256' | 'scram-sha-512';

  @IsOptional()
  @IsString()
  KAFKA_SASL_USERNAME?: string;

  /** A secret: never logged, and redacted when the configuration is printed. */
  @IsOptional()
  @IsString()
  KAFKA_SASL_PASSWORD?: string;
}
