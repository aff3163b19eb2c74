import {
  DEFAULT_POWER_LEVEL_CEILINGS,
  ED25519_PUBLIC_KEY_PATTERN,
  HOST_ID_PATTERN,
  HOST_ID_RULE,
  parseMargin,
  parseRateLimits,
  parseSubscriptionPlans,
  PROVIDERS,
  ROOT_EQUIVALENT_GROUPS,
} from '@ops/domain';
import { plainToInstance, Transform, Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsIn,
  IsJSON,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
  ValidateBy,
} from 'class-validator';
import { resolve } from 'node:path';
import { inspect } from 'node:util';
import { kafkaSecurityProblems } from '../kafka/kafka-security';
import { describeSettingProblem, isUrlOf, IsUrlOf, settingNames, urlRule, withValue } from './setting-rules';

const HTTP = ['http', 'https'] as const;
const ED25519_PUBLIC_KEY = ED25519_PUBLIC_KEY_PATTERN.source.slice(1, -1);
const ED25519_PUBLIC_KEY_LIST = new RegExp(
  `^\\s*${ED25519_PUBLIC_KEY}\\s*(,\\s*${ED25519_PUBLIC_KEY}\\s*)*$`,
);

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
  @IsUrlOf('postgres', 'postgresql')
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
  @Matches(/^esdb(\+discover)?:\/\/[^\s/?#]+\/?(\?\S*)?$/, {
    message:
      'ESDB_URL must be a URL starting with esdb:// or esdb+discover:// (e.g. esdb://localhost:2113?tls=false)',
  })
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
  @IsUrlOf(...HTTP)
  KEYCLOAK_JWKS_URL?: string;

  /** The realm's URL, as Keycloak writes it in each token's `iss`. */
  @IsOptional()
  @IsUrlOf(...HTTP)
  KEYCLOAK_ISSUER?: string;

  @IsOptional()
  @IsString()
  KEYCLOAK_AUDIENCE?: string;

  /**
   * The public client (no secret; PKCE) the console signs people in with, in keycloak mode. Its
   * tokens must carry KEYCLOAK_AUDIENCE (an audience mapper) and its redirect URI is `<origin>/console/sign-in`.
   */
  @Matches(/^[\x21-\x7e]{1,200}$/, {
    message: 'KEYCLOAK_CONSOLE_CLIENT_ID must be 1-200 printable characters',
  })
  KEYCLOAK_CONSOLE_CLIENT_ID = 'ops-console';

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

  /**
   * Accounts no API call may create or change on any host, besides root and uids below 1000,
   * comma-separated; the host agent enforces them too.
   */
  @Transform(({ value }) => commaList(value))
  @IsArray()
  @IsString({ each: true })
  PROTECTED_ACCOUNTS: string[] = ['root'];

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
  @IsUrlOf(...HTTP)
  STRIPE_API_BASE?: string;

  /** Where Checkout sends the buyer back; Stripe replaces `{CHECKOUT_SESSION_ID}`. */
  @IsUrlOf(...HTTP)
  STRIPE_SUCCESS_URL = 'http://localhost:3000/billing/success?session_id={CHECKOUT_SESSION_ID}';

  @IsUrlOf(...HTTP)
  STRIPE_CANCEL_URL = 'http://localhost:3000/billing/cancelled';

  /** Lago's API base, ending in `/api/v1`; with LAGO_API_KEY it turns the Lago sync on. */
  @IsOptional()
  @IsUrlOf(...HTTP)
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

  /**
   * Hosts a price list may be imported from by URL (comma-separated `host` or `host:port`); any other
   * is refused, so the import cannot be turned against the node's own network.
   */
  @IsString()
  LLM_PRICE_IMPORT_HOSTS = 'raw.githubusercontent.com';

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

  /**
   * Each power level's cost ceiling for one request, in micro-USD: `auto` picks only models whose worst
   * case for the request (its prompt and its whole output budget, at list price) fits.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  LLM_BUDGET_ECO_MICROS = Number(DEFAULT_POWER_LEVEL_CEILINGS.eco);

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  LLM_BUDGET_BALANCED_MICROS = Number(DEFAULT_POWER_LEVEL_CEILINGS.balanced);

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  LLM_BUDGET_PRECISION_MICROS = Number(DEFAULT_POWER_LEVEL_CEILINGS.precision);

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

  // Kafka transport security: TLS (optionally mutual) and SASL for every Kafka client of the product.

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

  // --- Tamper evidence that outlives a database writer (issue 10, item 11) ---

  /**
   * The Ed25519 public key (PEM, SPKI; `\n` may be escaped) every digest must verify with. Set it
   * from outside DATA_DIR and the database: whoever rewrites rows or plants a key there cannot make
   * verification trust it, and a process whose signing key is another refuses to sign. Without it,
   * the signing key's own public half is trusted.
   */
  @IsOptional()
  @Matches(/-----BEGIN PUBLIC KEY-----/, { message: 'AUDIT_PUBLIC_KEY must be a PEM (SPKI) public key' })
  AUDIT_PUBLIC_KEY?: string;

  /** A file holding AUDIT_PUBLIC_KEY instead. */
  @IsOptional()
  @IsString()
  @Transform(({ value }) => resolve(String(value)))
  AUDIT_PUBLIC_KEY_FILE?: string;

  /** Every digest is appended to this file (NDJSON) as it is signed: put it on write-once storage. */
  @IsOptional()
  @IsString()
  @Transform(({ value }) => resolve(String(value)))
  AUDIT_DIGEST_EXPORT_FILE?: string;

  /** Every digest is POSTed here (JSON) as it is signed; any answer but 2xx counts as a failure. */
  @IsOptional()
  @IsUrlOf(...HTTP)
  AUDIT_DIGEST_EXPORT_URL?: string;

  /** Bearer token sent to AUDIT_DIGEST_EXPORT_URL; never logged. */
  @IsOptional()
  @IsString()
  AUDIT_DIGEST_EXPORT_TOKEN?: string;

  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(120_000)
  AUDIT_DIGEST_EXPORT_TIMEOUT_MS = 10_000;

  // --- Host trust (issue 10, item 1): signed host commands and reports, hashes sealed to each host ---

  /**
   * Ed25519 private key (PEM, PKCS#8; `\n` may be escaped) the control plane signs every host command
   * with. Without it (or HOST_COMMAND_SIGNING_KEY_FILE) a key is generated once in DATA_DIR.
   */
  @IsOptional()
  @Matches(/-----BEGIN PRIVATE KEY-----/, {
    message: 'HOST_COMMAND_SIGNING_KEY must be a PEM (PKCS#8) private key',
  })
  HOST_COMMAND_SIGNING_KEY?: string;

  /** A file holding the host command signing key (PEM), instead of HOST_COMMAND_SIGNING_KEY. */
  @IsOptional()
  @IsString()
  @Transform(({ value }) => resolve(String(value)))
  HOST_COMMAND_SIGNING_KEY_FILE?: string;

  /**
   * The control plane's public keys a host agent accepts commands from: comma-separated base64 SPKI
   * DER Ed25519 keys (the projector logs its current one at start). Several during a rotation.
   * Required by the distributed agent; the in-process agent also trusts the key its process signs with.
   */
  @IsOptional()
  @Matches(ED25519_PUBLIC_KEY_LIST, {
    message: 'HOST_COMMAND_PUBLIC_KEYS must be comma-separated Ed25519 public keys (base64 SPKI DER)',
  })
  HOST_COMMAND_PUBLIC_KEYS?: string;

  // --- Local users: root-equivalent groups (issue 10, item 7) ---

  /**
   * Groups that make a member root without sudo, refused as plain groups by the API (400) and by the
   * host agent (failed outcome), comma-separated. Extend it with the host's own (e.g. `podman`); an
   * empty value keeps the default, since refusing no group at all is not a setting worth offering.
   */
  @Transform(({ value }) => commaList(value))
  @IsArray()
  @Matches(/^[a-z_][a-z0-9_-]{0,31}$/, { each: true })
  LOCAL_USER_REFUSED_GROUPS: string[] = [...ROOT_EQUIVALENT_GROUPS];

  // Gateway input bounds (issue 10, items 2 and 10).

  /**
   * Longest inline image (`data:image/…;base64,…` URL, in bytes) a chat request may carry. The JSON
   * body limit (1 MB) applies as well; `https:` image URLs are bounded at 2,048 characters.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1_024)
  @Max(20_000_000)
  LLM_IMAGE_DATA_URL_MAX_BYTES = 700_000;

  // ---- HTTP hardening: tokens, request bodies, operational endpoints (issue 10, items 8 and 12) ----

  /** The audience (`aud`) local-mode tokens must name; `npm run token` issues it. Keycloak mode checks KEYCLOAK_AUDIENCE. */
  @IsString()
  @Matches(/^[\x21-\x7e]{1,200}$/, { message: 'JWT_AUDIENCE must be 1-200 printable characters, no spaces' })
  JWT_AUDIENCE = 'ops-center';

  /**
   * The longest lifetime a bearer token may claim, in both modes: `exp - iat`, or `exp` from now for a
   * token without `iat`. A token without `exp` is refused outright.
   */
  @Type(() => Number)
  @IsInt()
  @Min(60)
  @Max(30 * 86_400)
  JWT_MAX_LIFETIME_SECONDS = 86_400;

  /** The deepest nesting of objects and arrays a JSON body may have; deeper bodies are refused with 400. */
  @Type(() => Number)
  @IsInt()
  @Min(2)
  @Max(1_000)
  JSON_MAX_DEPTH = 64;

  /**
   * A bearer token GET /metrics then requires. Without it /metrics is open in single-node mode and
   * answers 404 in distributed mode (HOST_COMMAND_TRANSPORT=kafka or AUTH_MODE=keycloak).
   */
  @IsOptional()
  @IsString()
  @MinLength(16)
  METRICS_TOKEN?: string;

  /** The same for the API docs (/docs, /docs-json, /docs-yaml); Basic auth with it as password works too. */
  @IsOptional()
  @IsString()
  @MinLength(16)
  DOCS_TOKEN?: string;

  // --- Gateway rate and concurrency limits (issue 10, item 9) ---

  /**
   * Overrides of the gateway's per-tier limits, merged over the defaults (README, "Rate and
   * concurrency limits"): `{"free": {"user": {"requests_per_minute": 20, "tokens_per_minute": 50000,
   * "concurrent_requests": 2}, "key": {…}}}`. Every tier, scope and field is optional.
   */
  @IsOptional()
  @ValidateBy({
    name: 'rateLimits',
    validator: {
      validate: (value: unknown) => rateLimitsProblem(value) === null,
      defaultMessage: (args) => rateLimitsProblem(args?.value) ?? '',
    },
  })
  LLM_RATE_LIMITS?: string;

  /** Output tokens a request is admitted on when it names no max_tokens; its real usage then replaces them. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  LLM_RATE_LIMIT_OUTPUT_TOKENS = 1_024;

  // --- issue 12: billing (margin and subscriptions) ---

  /**
   * Markup on platform-paid requests, in percent of the list price by tier (`{"free": 20, "starter": 15}`,
   * at most two decimals; a tier left out has none). Charged on top of the list price and held up front.
   */
  @ValidateBy({
    name: 'markup',
    validator: {
      validate: (value: unknown) => marginProblem(value, '0') === null,
      defaultMessage: (args) => marginProblem(args?.value, '0') ?? '',
    },
  })
  LLM_MARKUP_PERCENT = '{}';

  /** Fee on requests made with the user's own provider key, in percent of their list price (0: none). */
  @ValidateBy({
    name: 'byokFee',
    validator: {
      validate: (value: unknown) => marginProblem('{}', value) === null,
      defaultMessage: (args) => marginProblem('{}', args?.value) ?? '',
    },
  })
  LLM_BYOK_FEE_PERCENT = '0';

  /**
   * The tiers' subscriptions: monthly price (USD cents) and credits included each paid month, by tier,
   * merged over the defaults (README, "Subscriptions"): `{"starter": {"price_cents": 1900,
   * "included_credits_micros": "5000000"}}`.
   */
  @ValidateBy({
    name: 'subscriptionPlans',
    validator: {
      validate: (value: unknown) => subscriptionPlansProblem(value) === null,
      defaultMessage: (args) => subscriptionPlansProblem(args?.value) ?? '',
    },
  })
  SUBSCRIPTION_PLANS = '{}';

  /** Days a subscription keeps its tier after a failed renewal payment, while Stripe retries it. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(60)
  SUBSCRIPTION_GRACE_DAYS = 7;

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

  /**
   * How long a command waits for the read models behind its follow-up reads to apply it, and a read
   * given `x-ops-min-position` for its read models, before answering anyway; 0 answers at once.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(60_000)
  READ_YOUR_WRITES_TIMEOUT_MS = 2_000;

  /** What printing the configuration shows (JSON, pino, console): secrets and URL passwords redacted. */
  toJSON(): Record<string, unknown> {
    return redactedSettings(this);
  }

  [inspect.custom](): Record<string, unknown> {
    return this.toJSON();
  }
}

const REDACTED = '[redacted]';
/** By name, so that a secret setting added later is covered without being listed here. */
const SECRET_SETTING = /SECRET|PASSWORD|TOKEN|_KEYS?$/;
/** A connection string's password (DATABASE_URL, ESDB_URL): `scheme://user:password@`. */
const URL_PASSWORD = /^([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):\S*@/i;

/** The variables every LLM provider is configured with, whether set or not. */
const PROVIDER_SETTINGS = PROVIDERS.flatMap(({ envPrefix }) => [
  `${envPrefix}_BASE_URL`,
  `${envPrefix}_API_KEY`,
]);

function redactSetting(name: string, value: unknown): unknown {
  if (typeof value !== 'string') return value ?? null;
  return SECRET_SETTING.test(name) ? REDACTED : value.replace(URL_PASSWORD, `$1:${REDACTED}@`);
}

/**
 * The effective configuration by the names of the variables that set it, the providers' included,
 * an unset one as null and a set secret as `[redacted]`: the one view that printing the
 * configuration and GET /api/v1/system/config share. Only declared settings appear, never the rest
 * of the process environment.
 */
export function redactedSettings(config: AppConfig): Record<string, unknown> {
  const settings = settingNames(AppConfig).map((name) => [name, config[name as keyof AppConfig]] as const);
  const providers = PROVIDER_SETTINGS.map((name) => [name, config.providerEnv[name]] as const);
  return Object.fromEntries(
    [...settings, ...providers].map(([name, value]) => [name, redactSetting(name, value)]),
  );
}

/**
 * What a problem may quote of the value it refuses: nothing of a secret, nor of a value that may
 * carry credentials (`user:password@host`) it failed to parse.
 */
function shownValue(name: string, value: string | undefined): string | undefined {
  return value === undefined || SECRET_SETTING.test(name) || value.includes('@') ? undefined : value;
}

/** `a, b,,c` as `['a', 'b', 'c']`: a list setting's names, blanks dropped. */
function commaList(value: unknown): string[] {
  return String(value)
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
}

/** `true`/`false` as booleans; anything else stays as it is for the validator to name. */
function parseBoolean(value: unknown): unknown {
  if (value === 'true' || value === true) return true;
  if (value === 'false' || value === false) return false;
  return value;
}

function marginProblem(markup: unknown, byokFee: unknown): string | null {
  try {
    parseMargin(String(markup), String(byokFee));
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

function subscriptionPlansProblem(value: unknown): string | null {
  try {
    parseSubscriptionPlans(String(value));
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

function rateLimitsProblem(value: unknown): string | null {
  try {
    parseRateLimits(String(value));
    return null;
  } catch (error) {
    return (error as Error).message;
  }
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
  const problems = validateSync(config, { forbidUnknownValues: false, stopAtFirstError: true }).map((error) =>
    describeSettingProblem(AppConfig, error, shownValue(error.property, present[error.property])),
  );
  const providerEnv = Object.fromEntries(
    PROVIDER_SETTINGS.flatMap((name) => (present[name] === undefined ? [] : [[name, present[name]]])),
  ) as Record<string, string>;
  for (const [name, value] of Object.entries(providerEnv)) {
    if (name.endsWith('_BASE_URL') && !isUrlOf(value, HTTP)) {
      problems.push(withValue(`${name} ${urlRule(HTTP)}`, shownValue(name, value)));
    }
  }
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
  if (
    config.LLM_BUDGET_ECO_MICROS > config.LLM_BUDGET_BALANCED_MICROS ||
    config.LLM_BUDGET_BALANCED_MICROS > config.LLM_BUDGET_PRECISION_MICROS
  ) {
    // A refusal sends the client up the levels to the first that can pay: they must rise in that order.
    problems.push(
      'LLM_BUDGET_ECO_MICROS, LLM_BUDGET_BALANCED_MICROS, LLM_BUDGET_PRECISION_MICROS: must not decrease in that order',
    );
  }
  if (Boolean(config.LAGO_API_URL) !== Boolean(config.LAGO_API_KEY)) {
    problems.push('LAGO_API_URL and LAGO_API_KEY: set both to sync with Lago, or neither');
  }
  problems.push(...kafkaSecurityProblems(config));
  if (problems.length > 0) throw new ConfigError(problems);
  config.providerEnv = providerEnv;
  return config;
}
