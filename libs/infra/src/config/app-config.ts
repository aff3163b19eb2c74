import { HOST_ID_PATTERN, HOST_ID_RULE } from '@ops/domain';
import { plainToInstance, Transform, Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';
import { resolve } from 'node:path';

const optionalUrl = { require_tld: false, protocols: ['http', 'https'] };

/**
 * Every setting the applications read, from the environment, validated once at start so that a
 * missing or malformed value stops the process with a message naming it.
 */
export class AppConfig {
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  /** Folder for everything the single-node instance keeps: embedded Postgres, the JWT secret, the host sandbox. */
  @IsString()
  @Transform(({ value }) => resolve(String(value)))
  DATA_DIR = resolve('.data');

  /** External PostgreSQL; without it an embedded cluster runs under DATA_DIR. */
  @IsOptional()
  @IsString()
  DATABASE_URL?: string;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(65535)
  EMBEDDED_POSTGRES_PORT = 54329;

  @IsIn(['postgres', 'eventstoredb'])
  EVENT_STORE: 'postgres' | 'eventstoredb' = 'postgres';

  /** EventStoreDB connection string, e.g. `esdb://localhost:2113?tls=false`; required with EVENT_STORE=eventstoredb. */
  @IsOptional()
  @IsString()
  ESDB_URL?: string;

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

  /** The server this host agent manages; commands keyed by another host id are not its own. */
  @Matches(HOST_ID_PATTERN, { message: `HOST_ID must be ${HOST_ID_RULE}` })
  HOST_ID = 'local';

  /**
   * The root whose /etc files the host agent changes (shadow-utils `--prefix`). Unset: a sandbox
   * under DATA_DIR (`host-root`), so nothing touches the real system's users unless this is `/`.
   */
  @IsOptional()
  @IsString()
  @Transform(({ value }) => resolve(String(value)))
  HOST_AGENT_ROOT?: string;

  /** Membership of this group is what `sudo` means on the host (`sudo` on Debian, `wheel` on RHEL). */
  @Matches(/^[a-z_][a-z0-9_-]{0,31}$/)
  HOST_AGENT_SUDO_GROUP = 'sudo';

  /** How often the host agent reports the accounts it finds, so changes made by hand show up. */
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  HOST_AGENT_INVENTORY_INTERVAL_MS = 60_000;

  /** `local`: HS256 tokens signed with a secret kept in DATA_DIR. `keycloak`: RS256 tokens checked against a JWKS. */
  @IsIn(['local', 'keycloak'])
  AUTH_MODE: 'local' | 'keycloak' = 'local';

  @IsOptional()
  @IsString()
  @MinLength(32)
  JWT_SECRET?: string;

  @IsOptional()
  @IsString()
  JWT_ISSUER = 'ops-center';

  @IsOptional()
  @IsUrl(optionalUrl)
  KEYCLOAK_JWKS_URL?: string;

  @IsOptional()
  @IsString()
  KEYCLOAK_ISSUER?: string;

  @IsOptional()
  @IsString()
  KEYCLOAK_AUDIENCE?: string;

  /**
   * Keys sealing secrets at rest (password hashes): `id:base64-32-bytes[,id:…]`, the first one current,
   * older ones kept to read what they sealed. Without it a key is generated once in DATA_DIR.
   */
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/=_-]{43,44}(,[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/=_-]{43,44})*$/, {
    message: 'SECRETS_KEYS must be id:base64key pairs (32-byte keys), comma-separated',
  })
  SECRETS_KEYS?: string;

  /** Accounts no API call may create or change on any host, besides root and uids below 1000. */
  @IsString()
  PROTECTED_ACCOUNTS = 'root';

  /**
   * How host commands reach agents: `in-process` runs this machine's agent inside the single-node
   * process; `kafka` publishes them to KAFKA_HOST_COMMANDS_TOPIC for agents on the managed servers.
   */
  @IsIn(['in-process', 'kafka'])
  HOST_COMMAND_TRANSPORT: 'in-process' | 'kafka' = 'in-process';

  /** The managed server routes use when they name no `host`; in single-node mode, this machine's agent. */
  @IsString()
  DEFAULT_HOST_ID = 'local';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  PROJECTOR_BATCH_SIZE = 500;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the configuration; throws a ConfigError listing every problem at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const config = plainToInstance(AppConfig, present, { exposeDefaultValues: true });
  const problems = validateSync(config, { forbidUnknownValues: false }).flatMap((error) =>
    Object.values(error.constraints ?? {}).map((message) => `${error.property}: ${message}`),
  );
  if (config.EVENT_STORE === 'eventstoredb' && !config.ESDB_URL) {
    problems.push('ESDB_URL: required when EVENT_STORE=eventstoredb');
  }
  if (config.HOST_COMMAND_TRANSPORT === 'kafka' && !config.KAFKA_BROKERS) {
    problems.push('KAFKA_BROKERS: required when HOST_COMMAND_TRANSPORT=kafka');
  }
  if (config.AUTH_MODE === 'keycloak') {
    for (const key of ['KEYCLOAK_JWKS_URL', 'KEYCLOAK_ISSUER', 'KEYCLOAK_AUDIENCE'] as const) {
      if (!config[key]) problems.push(`${key}: required when AUTH_MODE=keycloak`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
