import type { AppConfig } from './app-config';
import { ConfigError, loadConfig } from './app-config';
import type { AuthConfig } from '../auth/auth-config';
import type { CryptoConfig } from '../crypto/crypto-config';
import { parseKeyRing } from '../crypto/secret-keys';

/**
 * Fewer distinct byte values than this in a 32-byte key means a placeholder (all zero, one repeated
 * byte, a short pattern or a word): 32 random bytes show about 30, and fewer than 16 practically never.
 */
const MIN_DISTINCT_KEY_BYTES = 16;
const KEY_BYTES = 32;
/** Likewise for JWT_SECRET's characters: even 32 random hex digits show fewer than 8 almost never. */
const MIN_DISTINCT_SECRET_CHARS = 8;
/** Words of the placeholders that documentation, samples and compose files ship with. */
const PLACEHOLDER_WORDS = [
  'changeme',
  'replaceme',
  'placeholder',
  'example',
  'secret',
  'password',
  'default',
  'insecure',
  'notsecure',
  'dummy',
];
const GENERATE = 'generate one with `openssl rand -base64 32`';

type SecretsConfig = Pick<CryptoConfig, 'SECRETS_KEYS' | 'KEK_KEYS'> & Pick<AuthConfig, 'JWT_SECRET'>;

function keyRingProblems(name: 'SECRETS_KEYS' | 'KEK_KEYS', ring: string | undefined): string[] {
  if (!ring) return [];
  return parseKeyRing(ring).flatMap(({ id, key }) => {
    if (key.length !== KEY_BYTES) return [`${name}: key ${id} is ${key.length} bytes, not ${KEY_BYTES}`];
    if (new Set(key).size < MIN_DISTINCT_KEY_BYTES) {
      return [`${name}: key ${id} is a placeholder (all zero, one repeated byte or a pattern); ${GENERATE}`];
    }
    return [];
  });
}

function keyMaterial(ring: string | undefined): Set<string> {
  if (!ring) return new Set();
  return new Set(parseKeyRing(ring).map(({ key }) => key.toString('hex')));
}

function jwtSecretProblems(secret: string | undefined): string[] {
  if (!secret) return [];
  const letters = secret.toLowerCase().replace(/[^a-z]/g, '');
  const word = PLACEHOLDER_WORDS.find((placeholder) => letters.includes(placeholder));
  if (word) return [`JWT_SECRET: looks like a placeholder (it contains "${word}"); ${GENERATE}`];
  if (new Set(secret).size < MIN_DISTINCT_SECRET_CHARS) {
    return [
      `JWT_SECRET: too weak (fewer than ${MIN_DISTINCT_SECRET_CHARS} distinct characters); ${GENERATE}`,
    ];
  }
  return [];
}

/**
 * Secrets a distributed deployment must not run with: the all-zero or otherwise patterned keys that
 * samples and compose files carry, a placeholder JWT secret, one key serving both key rings. Pure:
 * nothing is read but the configuration, and no message quotes a secret.
 */
export function deploymentSecretProblems(config: SecretsConfig): string[] {
  const secrets = keyMaterial(config.SECRETS_KEYS);
  const shared = [...keyMaterial(config.KEK_KEYS)].some((key) => secrets.has(key));
  return [
    ...keyRingProblems('SECRETS_KEYS', config.SECRETS_KEYS),
    ...keyRingProblems('KEK_KEYS', config.KEK_KEYS),
    ...(shared ? ['KEK_KEYS: reuses a key of SECRETS_KEYS; give each ring its own keys'] : []),
    ...jwtSecretProblems(config.JWT_SECRET),
  ];
}

/**
 * loadConfig for the distributed entry points (API, projector, host agent): the single-node start
 * generates its keys itself, but these processes share keys an operator provides, and refuse to
 * start with placeholders. Throws a ConfigError, as loadConfig does, listing every problem.
 */
export function loadDistributedConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const config = loadConfig(env);
  const problems = deploymentSecretProblems(config);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
