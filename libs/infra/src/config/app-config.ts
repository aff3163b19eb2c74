import { HOST_ID_PATTERN, HOST_ID_RULE } from '@ops/domain';
import { plainToInstance, Transform, Type } from 'class-transformer';
import {
  IsIn,
  IsJSON,
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

  /**
   * Key-encryption keys wrapping each subject's data key (BYOK provider keys, personal data):
   * `id:base64-32-bytes[,id:…]`, the newest LAST; older ones stay to unwrap until `npm run keys --
   * rotate-kek` has re-wrapped everything under the newest. Without it a ring is generated in DATA_DIR.
   */
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/=_-]{43,44}(,[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/=_-]{43,44})*$/, {
    message: 'KEK_KEYS must be id:base64key pairs (32-byte keys), comma-separated, newest last',
  })
  KEK_KEYS?: string;

  /** How long a BYOK key's live check against the provider's models endpoint may take. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(60_000)
  BYOK_VALIDATION_TIMEOUT_MS = 5_000;

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

  /**
   * Ed25519 private key (PEM, PKCS#8) signing the digests of every stream head; `\n` may be escaped.
   * Without it (or AUDIT_SIGNING_KEY_FILE) a key is generated once in DATA_DIR.
   */
  @IsOptional()
  @Matches(/-----BEGIN PRIVATE KEY-----/, { message: 'AUDIT_SIGNING_KEY must be a PEM (PKCS#8) private key' })
  AUDIT_SIGNING_KEY?: string;

  /** A file holding the audit signing key (PEM), instead of AUDIT_SIGNING_KEY. */
  @IsOptional()
  @IsString()
  @Transform(({ value }) => resolve(String(value)))
  AUDIT_SIGNING_KEY_FILE?: string;

  /** How often the projector signs a digest of every stream head; 0 turns the timer off. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(31 * 86_400)
  AUDIT_DIGEST_INTERVAL_SECONDS = 3_600;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  PROJECTOR_BATCH_SIZE = 500;

  /**
   * Credit packages users may buy: a JSON array of `{id, name, price_cents, credits_micros}` (USD
   * cents charged, micro-USD credited). Purchases and webhooks trust only this list, never a client.
   */
  @IsJSON({ message: 'CREDIT_PACKAGES must be a JSON array of credit packages' })
  CREDIT_PACKAGES = JSON.stringify([
    { id: 'starter-10', name: 'Starter: 10 USD of credits', price_cents: 1_000, credits_micros: '10000000' },
    { id: 'team-50', name: 'Team: 50 USD of credits', price_cents: 5_000, credits_micros: '50000000' },
    { id: 'scale-200', name: 'Scale: 200 USD of credits', price_cents: 20_000, credits_micros: '200000000' },
  ]);

  /** Stripe secret key (`sk_…`); without it credit purchases answer 503. */
  @IsOptional()
  @IsString()
  STRIPE_SECRET_KEY?: string;

  /** Signing secret of the Stripe webhook endpoint (`whsec_…`); without it the webhook answers 503. */
  @IsOptional()
  @IsString()
  STRIPE_WEBHOOK_SECRET?: string;

  /** Another Stripe API origin (`http://127.0.0.1:12111`): a local stand-in for tests. */
  @IsOptional()
  @IsUrl(optionalUrl)
  STRIPE_API_BASE?: string;

  /** Where Checkout sends the buyer back; Stripe replaces `{CHECKOUT_SESSION_ID}`. */
  @IsUrl(optionalUrl)
  STRIPE_SUCCESS_URL = 'http://localhost:3000/billing/success?session_id={CHECKOUT_SESSION_ID}';

  @IsUrl(optionalUrl)
  STRIPE_CANCEL_URL = 'http://localhost:3000/billing/cancelled';

  /** Lago's API base, ending in `/api/v1`; with LAGO_API_KEY it turns the Lago sync on. */
  @IsOptional()
  @IsUrl(optionalUrl)
  LAGO_API_URL?: string;

  @IsOptional()
  @IsString()
  LAGO_API_KEY?: string;

  /** Code of the Lago billable metric usage events are sent to. */
  @Matches(/^[A-Za-z0-9_.-]{1,100}$/)
  LAGO_BILLABLE_METRIC_CODE = 'llm_usage';

  /** First pause after Lago answers 429/5xx or cannot be reached; doubles up to LAGO_RETRY_MAX_MS. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(60_000)
  LAGO_RETRY_BASE_MS = 500;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(600_000)
  LAGO_RETRY_MAX_MS = 60_000;

  /** How long one Lago call may take before it counts as a network failure. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(120_000)
  LAGO_TIMEOUT_MS = 10_000;

  /** Usage integration messages (completed and failed requests) for finance's own pipelines. */
  @IsString()
  KAFKA_USAGE_TOPIC = 'ops-center.usage';

  /**
   * Connections of the read-model pool. Each projection worker keeps one for as long as it holds its
   * lock (a dozen in single-node mode), so the API and the batches need room beyond those.
   */
  @Type(() => Number)
  @IsInt()
  @Min(4)
  @Max(500)
  DATABASE_POOL_SIZE = 40;

  /** A JSON file replacing the built-in LLM model catalog. */
  @IsOptional()
  @IsString()
  LLM_CATALOG_FILE?: string;

  /** How long the gateway waits for an upstream's response headers before trying the next provider. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(600_000)
  LLM_UPSTREAM_TIMEOUT_MS = 30_000;

  /** An unsettled credit hold is released after this long (a request that never finished). */
  @Type(() => Number)
  @IsInt()
  @Min(60)
  @Max(86_400)
  LLM_RESERVATION_TTL_SECONDS = 900;

  /** Providers tried per request, the first included. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10)
  LLM_MAX_ATTEMPTS = 3;

  /** Seconds between active health probes of each configured provider (0: passive health only). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3_600)
  LLM_HEALTH_PROBE_SECONDS = 30;

  /**
   * `<PROVIDER>_BASE_URL` and `<PROVIDER>_API_KEY` for every LLM provider, as given in the
   * environment; their names depend on the provider catalog, so they are collected, not declared.
   */
  providerEnv: Record<string, string> = {};

  // --- issue 10: credits that cannot be dodged (streams bounded by their hold) ---

  /**
   * A streamed completion is cut this long after its request began, and charged for what it produced,
   * so that no stream outlives its credit hold. Must be below LLM_RESERVATION_TTL_SECONDS.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(86_399)
  LLM_STREAM_MAX_SECONDS = 600;
}

const PROVIDER_ENV_KEY = /^[A-Z][A-Z0-9]*_(BASE_URL|API_KEY)$/;

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
  if (config.LLM_STREAM_MAX_SECONDS >= config.LLM_RESERVATION_TTL_SECONDS) {
    problems.push(
      'LLM_STREAM_MAX_SECONDS: must be below LLM_RESERVATION_TTL_SECONDS, so no stream outlives its hold',
    );
  }
  if (Boolean(config.LAGO_API_URL) !== Boolean(config.LAGO_API_KEY)) {
    problems.push('LAGO_API_URL and LAGO_API_KEY: set both to sync with Lago, or neither');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  config.providerEnv = Object.fromEntries(
    Object.entries(present).filter(([key]) => PROVIDER_ENV_KEY.test(key)),
  ) as Record<string, string>;
  return config;
}
