import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { AuthConfig, authProblems } from '../auth/auth-config';
import { CryptoConfig } from '../crypto/crypto-config';
import { DatabaseConfig } from '../database/database-config';
import { EventStoreConfig, eventStoreProblems } from '../event-store/event-store-config';
import { IntegrityConfig } from '../event-store/integrity/integrity-config';
import { HostsConfig } from '../host-commands/hosts-config';
import { HostTrustConfig } from '../host-trust/host-trust-config';
import { HttpConfig } from '../http/http-config';
import { KafkaConfig } from '../kafka/kafka-config';
import { kafkaSecurityProblems } from '../kafka/kafka-security';
import { collectProviderEnv, ProvidersConfig } from '../llm-upstream/providers-config';
import { ProjectionsConfig } from '../projections/projections-config';
import { NodeConfig } from '../runtime/node-config';
import { FeatureConfig, shownValue } from './feature-config';
import { BillingConfig } from './features/billing-config';
import { GatewayConfig, gatewayProblems } from './features/gateway-config';
import { HostAgentConfig } from './features/host-agent-config';
import { LagoConfig, lagoProblems } from './features/lago-config';
import { describeSettingProblem, settingNames } from './setting-rules';

/**
 * Every feature's settings, in the order the effective configuration lists them: loadConfig
 * validates each, ConfigModule provides each under its class.
 */
export const FEATURE_CONFIGS = [
  HttpConfig,
  NodeConfig,
  DatabaseConfig,
  EventStoreConfig,
  IntegrityConfig,
  ProjectionsConfig,
  KafkaConfig,
  CryptoConfig,
  AuthConfig,
  HostsConfig,
  HostTrustConfig,
  HostAgentConfig,
  GatewayConfig,
  ProvidersConfig,
  BillingConfig,
  LagoConfig,
] as const;

type FeatureClass<T extends FeatureConfig = FeatureConfig> = new () => T;
/** Derived from FEATURE_CONFIGS, so the whole type and the classes provided cannot drift apart. */
type Intersection<U> = (U extends unknown ? (feature: U) => void : never) extends (all: infer I) => void
  ? I
  : never;

/**
 * The whole configuration, every feature's settings side by side: for the entry points, the
 * composition root (ConfigModule) and tests. Features inject their own settings' class instead.
 */
export type AppConfig = Intersection<InstanceType<(typeof FEATURE_CONFIGS)[number]>>;

/** What loadConfig returns: every feature's settings in one object, printed as the effective configuration. */
class ComposedConfig extends FeatureConfig {
  override toJSON(): Record<string, unknown> {
    return redactedSettings(this as unknown as AppConfig);
  }
}

/** One feature's settings, taken from the whole configuration as it is now. */
export function featureConfig<T extends FeatureConfig>(feature: FeatureClass<T>, config: AppConfig): T {
  const names = new Set([...settingNames(feature), ...Object.keys(new feature())]);
  const settings = Object.fromEntries(
    [...names].map((name) => [name, (config as unknown as Record<string, unknown>)[name]]),
  );
  return Object.assign(new feature(), settings);
}

/**
 * The effective configuration by the names of the variables that set it, the providers' included,
 * an unset one as null and a set secret as `[redacted]`: the one view that printing the
 * configuration and GET /api/v1/system/config share. Only declared settings appear, never the rest
 * of the process environment.
 */
export function redactedSettings(config: AppConfig): Record<string, unknown> {
  return Object.assign(
    {},
    ...FEATURE_CONFIGS.map((feature: FeatureClass) => featureConfig(feature, config).toJSON()),
  ) as Record<string, unknown>;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads and validates every feature's settings in one pass; throws a ConfigError listing every
 * problem at once, whichever features they are in.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  ) as Record<string, string>;
  const problems: string[] = [];
  const features = FEATURE_CONFIGS.map((feature: FeatureClass) => {
    const settings = Object.fromEntries(
      settingNames(feature).flatMap((name) => (name in present ? [[name, present[name]]] : [])),
    );
    const config = plainToInstance(feature, settings, { exposeDefaultValues: true });
    for (const error of validateSync(config, { forbidUnknownValues: false, stopAtFirstError: true })) {
      problems.push(
        describeSettingProblem(feature, error, shownValue(error.property, present[error.property])),
      );
    }
    return config;
  });
  const config = Object.assign(new ComposedConfig(), ...features) as unknown as AppConfig;
  const providers = collectProviderEnv(present);
  problems.push(...providers.problems, ...eventStoreProblems(config));
  if (config.HOST_COMMAND_TRANSPORT === 'kafka' && !config.KAFKA_BROKERS) {
    problems.push('KAFKA_BROKERS: required when HOST_COMMAND_TRANSPORT=kafka');
  }
  problems.push(
    ...authProblems(config),
    ...gatewayProblems(config),
    ...lagoProblems(config),
    ...kafkaSecurityProblems(config),
  );
  if (problems.length > 0) throw new ConfigError(problems);
  config.providerEnv = providers.providerEnv;
  return config;
}
